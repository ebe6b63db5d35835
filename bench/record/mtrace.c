/*
 * bench/record/mtrace.c — an LD_PRELOAD recorder of a program's heap calls,
 * for bench/record/record.sh (which turns the log into CS:APP .rep windows with
 * bench/record/to_rep.ts). Host tool only: never built by CI.
 *
 * Hooks malloc, calloc, realloc, free, posix_memalign, aligned_alloc, memalign,
 * valloc and pvalloc, forwards each to the next definition (glibc's, found with
 * dlsym(RTLD_NEXT)) and appends one line per call to $MTRACE_OUT.<pid>:
 *     a <ptr> <size>           malloc / calloc / the aligned family
 *     r <old> <new> <size>     realloc(old ≠ 0, size ≠ 0) that returned new ≠ 0
 *     f <ptr>                  free(ptr ≠ 0), and realloc(ptr, 0)
 * Numbers are lowercase hex without 0x. A failed call (0 returned) is not
 * logged; realloc(0, n) is logged as an "a". Alignment is not kept (the .rep
 * format has none; every allocator here aligns to 8 anyway).
 *
 * Invariants and why it is safe inside malloc:
 *   - no recursion: a thread-local depth counter; a call made while the
 *     recorder itself runs (dlsym's calloc, a libc call inside formatting) is
 *     forwarded without being logged. Formatting is hand-written (no printf),
 *     output goes through write(2) only.
 *   - dlsym may call calloc before the real calloc is known: such calls are
 *     served from a 16 KiB static bump arena (never freed to glibc: free()
 *     ignores pointers inside it).
 *   - threads: one pthread mutex around the shared 64 KiB line buffer, so lines
 *     never interleave; the order in the log is the order the lock was taken,
 *     which for one block (alloc before its free) is the real order.
 *   - fork: the child inherits the buffer; an atfork handler flushes before the
 *     fork and the child re-opens its own file (the pid changes the name).
 *   - the buffer is flushed when full and at exit (a destructor); a crash loses
 *     at most 64 KiB of lines at the end, which the converter tolerates (a
 *     block never freed is freed at the end of its window).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

static __thread int depth;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fd = -1;
static pid_t fd_pid;
static char buf[65536];
static size_t used;

static char boot[16384];
static size_t boot_used;

static int in_boot(void *p) { return (char *)p >= boot && (char *)p < boot + sizeof boot; }

static void *boot_alloc(size_t n) {
    size_t at = (boot_used + 15) & ~(size_t)15;
    if (at + n > sizeof boot) return NULL;
    boot_used = at + n;
    return boot + at;
}

static void resolve(void) {
    if (real_malloc) return;
    depth++;
    real_calloc = dlsym(RTLD_NEXT, "calloc");
    real_malloc = dlsym(RTLD_NEXT, "malloc");
    real_realloc = dlsym(RTLD_NEXT, "realloc");
    real_free = dlsym(RTLD_NEXT, "free");
    real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    real_memalign = dlsym(RTLD_NEXT, "memalign");
    depth--;
}

/* Writes the buffer out; the lock is held. */
static void flush_locked(void) {
    size_t off = 0;
    if (fd < 0 || fd_pid != getpid()) {
        const char *base = getenv("MTRACE_OUT");
        char path[4096];
        size_t n;
        pid_t pid = getpid();
        char digits[24];
        int k = 0;
        if (!base) { used = 0; return; }
        n = strlen(base);
        if (n > sizeof path - 32) { used = 0; return; }
        memcpy(path, base, n);
        path[n++] = '.';
        do { digits[k++] = (char)('0' + pid % 10); pid /= 10; } while (pid > 0);
        while (k > 0) path[n++] = digits[--k];
        path[n] = 0;
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        fd_pid = getpid();
        if (fd < 0) { used = 0; return; }
    }
    while (off < used) {
        ssize_t w = write(fd, buf + off, used - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    used = 0;
}

static void put_hex(uintptr_t v) {
    char tmp[2 * sizeof v];
    int k = 0;
    do { tmp[k++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (k > 0) buf[used++] = tmp[--k];
}

/* Appends "<op> x [y [z]]\n"; nargs of x, y, z are used. */
static void record(char op, int nargs, uintptr_t x, uintptr_t y, uintptr_t z) {
    if (depth > 0) return;
    depth++;
    pthread_mutex_lock(&lock);
    if (used > sizeof buf - 64) flush_locked();
    buf[used++] = op;
    buf[used++] = ' ';
    put_hex(x);
    if (nargs > 1) { buf[used++] = ' '; put_hex(y); }
    if (nargs > 2) { buf[used++] = ' '; put_hex(z); }
    buf[used++] = '\n';
    pthread_mutex_unlock(&lock);
    depth--;
}

static void before_fork(void) { pthread_mutex_lock(&lock); flush_locked(); }
static void after_fork_parent(void) { pthread_mutex_unlock(&lock); }
static void after_fork_child(void) { used = 0; fd = -1; pthread_mutex_unlock(&lock); }

__attribute__((constructor)) static void start(void) {
    resolve();
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

__attribute__((destructor)) static void stop(void) {
    pthread_mutex_lock(&lock);
    flush_locked();
    pthread_mutex_unlock(&lock);
}

void *malloc(size_t n) {
    void *p;
    resolve();
    if (!real_malloc) return boot_alloc(n);
    p = real_malloc(n);
    if (p) record('a', 2, (uintptr_t)p, n, 0);
    return p;
}

void *calloc(size_t n, size_t m) {
    void *p;
    if (!real_calloc) {
        /* dlsym's own calloc while resolving: the zeroed static arena */
        if (m && n > (size_t)-1 / m) return NULL;
        return boot_alloc(n * m);
    }
    p = real_calloc(n, m);
    if (p) record('a', 2, (uintptr_t)p, n * m, 0);
    return p;
}

void *realloc(void *old, size_t n) {
    void *p;
    resolve();
    if (old && in_boot(old)) {
        p = malloc(n);
        if (p) memcpy(p, old, n); /* boot blocks are tiny and never reallocated in practice */
        return p;
    }
    p = real_realloc(old, n);
    if (!old) { if (p) record('a', 2, (uintptr_t)p, n, 0); }
    else if (n == 0) record('f', 1, (uintptr_t)old, 0, 0);
    else if (p) record('r', 3, (uintptr_t)old, (uintptr_t)p, n);
    return p;
}

void free(void *p) {
    if (!p || in_boot(p)) return;
    resolve();
    record('f', 1, (uintptr_t)p, 0, 0);
    real_free(p);
}

int posix_memalign(void **out, size_t align, size_t n) {
    int r;
    resolve();
    r = real_posix_memalign(out, align, n);
    if (r == 0 && *out) record('a', 2, (uintptr_t)*out, n, 0);
    return r;
}

void *aligned_alloc(size_t align, size_t n) {
    void *p;
    resolve();
    p = real_aligned_alloc(align, n);
    if (p) record('a', 2, (uintptr_t)p, n, 0);
    return p;
}

void *memalign(size_t align, size_t n) {
    void *p;
    resolve();
    p = real_memalign(align, n);
    if (p) record('a', 2, (uintptr_t)p, n, 0);
    return p;
}

void *valloc(size_t n) { return memalign((size_t)sysconf(_SC_PAGESIZE), n); }

void *pvalloc(size_t n) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return memalign(page, (n + page - 1) & ~(page - 1));
}
