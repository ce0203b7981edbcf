wit_bindgen::generate!({ path: "../wit", world: "followup-engine" });
