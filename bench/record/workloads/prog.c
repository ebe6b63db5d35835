/* bench/record/workloads/prog.c: a tcc workload for the recorder: system
   headers, many declarations and functions to compile (not run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <ctype.h>
#include <time.h>
#include <signal.h>
#include <unistd.h>

struct node { struct node *left, *right; int key; char name[24]; double weight; };

#define GEN(n) static int f##n(int x) { int s = 0; for (int i = 0; i < x; i++) s += i * n ^ (s >> 3); return s + (int)sqrt((double)x * n); }
#define GEN10(n) GEN(n##0) GEN(n##1) GEN(n##2) GEN(n##3) GEN(n##4) GEN(n##5) GEN(n##6) GEN(n##7) GEN(n##8) GEN(n##9)
GEN10(1) GEN10(2) GEN10(3) GEN10(4) GEN10(5) GEN10(6) GEN10(7) GEN10(8) GEN10(9)

static struct node *insert(struct node *t, int key, const char *name) {
    if (!t) { t = calloc(1, sizeof *t); t->key = key; strncpy(t->name, name, sizeof t->name - 1); return t; }
    if (key < t->key) t->left = insert(t->left, key, name); else t->right = insert(t->right, key, name);
    return t;
}

int main(int argc, char **argv) {
    struct node *root = NULL;
    char buf[64];
    for (int i = 0; i < argc * 100; i++) { snprintf(buf, sizeof buf, "n%d", i); root = insert(root, rand() % 1000, buf); }
    printf("%d %d %d\n", f10(argc), f55(argc), f99(argc));
    return root ? 0 : 1;
}
