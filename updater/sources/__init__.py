"""One module per live source; each turns API JSON into frozen records at its edge."""
