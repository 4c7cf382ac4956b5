"""Files: atomic writes, text/Parquet table parsing, the binary store, the signed network."""
