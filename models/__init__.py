"""Language resources the pipeline loads (gazetteers, lexicons, trained models), shipped as package data."""
