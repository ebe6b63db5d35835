dnl bench/record/workloads/defs.m4: an m4 workload for the recorder:
dnl recursive macros, growing diversions and string builtins.
define(`fact', `ifelse($1, 0, 1, `eval($1 * fact(decr($1)))')')dnl
define(`forloop', `pushdef(`$1', `$2')_forloop($@)popdef(`$1')')dnl
define(`_forloop', `$4`'ifelse($1, `$3', `', `define(`$1', incr($1))$0($@)')')dnl
define(`rep', `ifelse($1, 0, `', `$2`'rep(decr($1), `$2')')')dnl
forloop(`i', 1, 300, `define(`m'i, `macro number i: translit(`hello world i', `a-z', `A-Z') fact(eval(i % 12))')m'i
')dnl
divert(1)forloop(`j', 1, 200, `substr(`abcdefghijklmnopqrstuvwxyz', eval(j % 20), 6) index(`haystack j', `j') len(rep(eval(j % 30), `xy'))
')divert(0)dnl
undivert(1)dnl
