# bench/record/workloads/count.awk: a gawk workload for the recorder: word
# frequencies in associative arrays, string concatenation, sorted output.
{ for (i = 1; i <= NF; i++) { w = tolower($i); gsub(/[^a-z]/, "", w); if (w != "") n[w]++ } line = line substr($0, 1, 20) }
END { PROCINFO["sorted_in"] = "@val_num_desc"; k = 0; for (w in n) { if (++k > 300) break; out = out w ":" n[w] " " } print length(out), length(line) }
