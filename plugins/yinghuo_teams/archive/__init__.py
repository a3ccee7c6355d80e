"""Villages in the org tree and each village's archive, exported as a PDF and a .zip."""
