# The small cohort's TF matrix as R writes it (run by make_corpus.py: Rscript write_r.R IN.tsv OUTDIR).
# R 4.2.2 and readr 2.1.4 from Debian (apt-get install r-base-core r-cran-readr).
args <- commandArgs(trailingOnly = TRUE)
m <- read.delim(args[1], row.names = 1, check.names = FALSE)
out <- args[2]
# write.csv: quoted names, "" heading the row-name column
write.csv(m, file.path(out, "r_write_csv.csv"))
# write.csv2: the European variant (semicolons, decimal commas), quoted names
write.csv2(m, file.path(out, "r_write_csv2.csv"))
# write.table(sep = "\t"): quoted names, no name for the row-name column (the header one field short)
write.table(m, file.path(out, "r_write_table.tsv"), sep = "\t")
# write.table(row.names = FALSE) of a data frame whose first column holds the sample IDs
d <- cbind(data.frame(sample_id = rownames(m)), m)
write.table(d, file.path(out, "r_write_table_no_rownames.tsv"), sep = "\t", row.names = FALSE)
# readr::write_tsv: unquoted, LF
readr::write_tsv(d, file.path(out, "readr_write_tsv.tsv"))
