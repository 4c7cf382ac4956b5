"""Files: atomic writes, text/Parquet tables (sniffed, parsed, written), the binary store, the signed network."""
