"""Files: atomic writes, text/Parquet tables (sniffed, parsed, written), plain-array `.npz` files, the binary store
and its manifest, the signed network, perturbations and forecast effects."""
