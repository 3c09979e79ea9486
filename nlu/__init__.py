"""Intent recognition: Rasa-format training data, the embedded model and a Rasa HTTP backend."""
