"""Reports: charts, the per-account and portfolio PDFs, and batches of them."""
