/*
 * erofs-sim native guest runner (issue 15): the live oracle's observation of a scenario, done
 * inside a VM guest without a JVM. Built at run time by the host (NativeRunner: gcc -static -O2)
 * into the kernel cache; never committed as a binary.
 *
 * Usage: erofs-guest-runner PLAN OUT.jsonl
 *
 * PLAN is written by the host (oracle.NativePlan): first the pack of every image's bytes, then one
 * case after another, strings hex-encoded, "-" for none, "=" for the empty string:
 *   P PACK SIZE                 the file holding the images back to back (read once, at the start:
 *                               one sequential read over 9p instead of an open per image)
 *   C name source options readOnly api(0 mount, 1 fsopen) read readSize
 *   N f PATH OFF:LEN [FS]       a regular file with LEN bytes of the pack from OFF, on the sandbox's
 *                               own file system (FS ext4 or none) or on a file system of kind FS
 *                               (tmpfs, ramfs, proc, overlay, erofs, erofs-bdev) made for the case
 *                               and bind-mounted at PATH, as oracle.Sandbox.realiseFilesOn does
 *   N b PATH OFF:LEN ro lbs     a block device: a loop device over a file of those bytes
 *   N d PATH                    a directory
 *   N l PATH TARGET             a symlink
 *   N c PATH MAJOR MINOR        a character device
 *   B source options readOnly   a mount made before the case's
 *   E                           end of the case
 *
 * For each case it does what oracle.LiveKernelOracle does in one observation (sandbox
 * /tmp/erofs-sim-live-XXXXXX with root/ store/ fs/ mnt/, nodes in plan order, the before
 * mounts, /dev/kmsg window, mount(2) or fsopen, mountinfo, statfs, sysfs, the tree walk of
 * oracle.TreeWalker, release of mounts and loop devices) and writes one raw JSON line of what it
 * saw. The host turns that line into the contract outcome with the oracle's own Java code
 * (oracle.NativeObservation), so nothing here decides an outcome field: errnos are numbers,
 * strings are hex of their bytes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/vfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ output buffer */

static char *ob;
static size_t olen, ocap;

static void oput(const char *s, size_t n) {
    if (olen + n + 1 > ocap) {
        ocap = (olen + n + 1) * 2;
        ob = realloc(ob, ocap);
        if (!ob) { perror("realloc"); exit(70); }
    }
    memcpy(ob + olen, s, n);
    olen += n;
    ob[olen] = 0;
}
static void os(const char *s) { oput(s, strlen(s)); }
static void of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void of(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    oput(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}
static void ohexn(const unsigned char *b, size_t n) {
    static const char *d = "0123456789abcdef";
    char tmp[2];
    os("\"");
    for (size_t i = 0; i < n; i++) { tmp[0] = d[b[i] >> 4]; tmp[1] = d[b[i] & 15]; oput(tmp, 2); }
    os("\"");
}
static void ohex(const char *s) { if (!s) os("null"); else ohexn((const unsigned char *)s, strlen(s)); }

/* ------------------------------------------------------------------ SHA-256 (FIPS 180-4) */

typedef struct { uint32_t h[8]; uint64_t len; unsigned char buf[64]; size_t n; } sha256;
static const uint32_t K[64] = {
    0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2};
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
static void sha_block(sha256 *s, const unsigned char *p) {
    uint32_t w[64], a, b, c, d, e, f, g, h;
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4*i] << 24 | (uint32_t)p[4*i+1] << 16 | (uint32_t)p[4*i+2] << 8 | p[4*i+3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i-15], 7) ^ ROR(w[i-15], 18) ^ (w[i-15] >> 3);
        uint32_t s1 = ROR(w[i-2], 17) ^ ROR(w[i-2], 19) ^ (w[i-2] >> 10);
        w[i] = w[i-16] + s0 + w[i-7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}
static void sha_init(sha256 *s) {
    static const uint32_t iv[8] = {0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19};
    memcpy(s->h, iv, sizeof iv); s->len = 0; s->n = 0;
}
static void sha_update(sha256 *s, const unsigned char *p, size_t n) {
    s->len += n;
    while (n > 0) {
        if (s->n == 0 && n >= 64) { sha_block(s, p); p += 64; n -= 64; continue; }
        size_t k = 64 - s->n < n ? 64 - s->n : n;
        memcpy(s->buf + s->n, p, k); s->n += k; p += k; n -= k;
        if (s->n == 64) { sha_block(s, s->buf); s->n = 0; }
    }
}
static void sha_hex(sha256 *s, char out[65]) {
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, z = 0, l[8];
    sha_update(s, &pad, 1);
    while (s->n != 56) sha_update(s, &z, 1);
    for (int i = 0; i < 8; i++) l[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_update(s, l, 8);
    for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08x", s->h[i]);
}

/* ------------------------------------------------------------------ plan */

#define MAXN 64
typedef struct { char kind; char *path, *image, *target, *fs; int ro, lbs, major, minor; } pnode;
typedef struct { char *source, *options; int ro; } pmount;
typedef struct {
    char *name, *source, *options; int ro, api, read, readSize;
    pnode nodes[MAXN]; int nn;
    pmount before[8]; int nb;
} pcase;

static char *unhex(const char *h) {
    if (!h || strcmp(h, "-") == 0) return NULL;
    if (strcmp(h, "=") == 0) return strdup("");
    size_t n = strlen(h) / 2;
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++) { unsigned v; sscanf(h + 2 * i, "%2x", &v); s[i] = (char)v; }
    s[n] = 0;
    return s;
}

/* ------------------------------------------------------------------ sandbox */

static char sbdir[256], sbroot[300];
#define MAXMOUNTS (2 * MAXN + 16)
static char *mounts[MAXMOUNTS]; static int nmounts;
static int loopfds[MAXN + 8], loopnums[MAXN + 8]; static int nloops;

static char *realp(const char *p) {
    if (!p || !*p) return p ? strdup(p) : NULL;
    char *r = malloc(strlen(sbroot) + strlen(p) + 2);
    sprintf(r, p[0] == '/' ? "%s%s" : "%s/%s", sbroot, p);
    return r;
}
/* device= and source= values (non-empty) made real; split on ',' keeping empty parts */
static char *realopts(const char *o) {
    if (!o) return NULL;
    size_t cap = strlen(o) * 2 + 4096 * 4, n = 0;
    char *r = malloc(cap); r[0] = 0;
    const char *p = o;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char *part = strndup(p, len);
        const char *keys[2] = {"device=", "source="};
        int done = 0;
        for (int k = 0; k < 2 && !done; k++) {
            size_t kl = strlen(keys[k]);
            if (len > kl && strncmp(part, keys[k], kl) == 0) {
                char *rv = realp(part + kl);
                size_t need = n + kl + strlen(rv) + 2;
                if (need > cap) { cap = need * 2; r = realloc(r, cap); }
                n += sprintf(r + n, "%s%s", keys[k], rv);
                free(rv); done = 1;
            }
        }
        if (!done) {
            if (n + len + 2 > cap) { cap = (n + len + 2) * 2; r = realloc(r, cap); }
            memcpy(r + n, part, len); n += len; r[n] = 0;
        }
        free(part);
        if (!c) break;
        r[n++] = ','; r[n] = 0;
        p = c + 1;
    }
    return r;
}
static int mkdirs(const char *path) { /* mkdir -p of the parent folders and the path */
    char *p = strdup(path);
    for (char *s = p + 1; *s; s++) if (*s == '/') { *s = 0; mkdir(p, 0755); *s = '/'; }
    int r = mkdir(p, 0755);
    free(p);
    return r == 0 || errno == EEXIST ? 0 : -1;
}
static int mkparents(const char *path) {
    char *p = strdup(path); char *s = strrchr(p, '/');
    int r = 0;
    if (s && s != p) { *s = 0; r = mkdirs(p); }
    free(p);
    return r;
}
static unsigned char *pack;
static size_t packSize;

/* writes LEN bytes of the pack from OFF to TO leaving 4 KiB zero blocks as holes (oracle.Sandbox.writeImage) */
static int write_sparse(const char *image, const char *to) {
    unsigned long long off, len;
    if (!image || sscanf(image, "%llu:%llu", &off, &len) != 2 || off + len > packSize) { errno = EINVAL; return -1; }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) return -1;
    static const unsigned char zero[4096];
    const unsigned char *b = pack + off;
    for (unsigned long long at = 0; at < len;) {
        size_t n = len - at < 4096 ? (size_t)(len - at) : 4096;
        if (memcmp(b + at, zero, n) != 0) {
            unsigned long long end = at + n; /* one write for a run of data blocks */
            while (end < len) {
                size_t m = len - end < 4096 ? (size_t)(len - end) : 4096;
                if (memcmp(b + end, zero, m) == 0) break;
                end += m;
            }
            for (unsigned long long w = at; w < end;) {
                ssize_t r = pwrite(out, b + w, end - w, w);
                if (r < 0) { if (errno == EINTR) continue; close(out); return -1; }
                w += r;
            }
            at = end;
        } else at += n;
    }
    int r = ftruncate(out, len);
    close(out);
    return r;
}
static int load_pack(const char *path, unsigned long long size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    pack = malloc(size ? size : 1);
    packSize = size;
    for (size_t at = 0; at < size;) {
        ssize_t n = read(fd, pack + at, size - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) { close(fd); errno = n == 0 ? EIO : errno; return -1; }
        at += n;
    }
    close(fd);
    return 0;
}
static int attach_loop(const char *backing, int ro, int lbs, int *num) {
    int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0) return -1;
    for (int attempt = 0; attempt < 50; attempt++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) { close(ctl); return -1; }
        char dev[64]; sprintf(dev, "/dev/loop%d", n);
        int lfd = open(dev, O_RDWR | O_CLOEXEC);
        if (lfd < 0) { usleep(10000); continue; }
        int bfd = open(backing, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_LARGEFILE);
        if (bfd < 0) { close(lfd); close(ctl); return -1; }
        struct loop_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.fd = bfd;
        cfg.block_size = lbs;
        cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (ro ? LO_FLAGS_READ_ONLY : 0);
        strncpy((char *)cfg.info.lo_file_name, backing, LO_NAME_SIZE - 1);
        int r = ioctl(lfd, LOOP_CONFIGURE, &cfg);
        int e = errno;
        close(bfd);
        if (r < 0) {
            close(lfd);
            if (e == EBUSY) continue;
            close(ctl); errno = e; return -1;
        }
        close(ctl);
        /* the readahead every loop device of a run gets (Sandbox.LOOP_READ_AHEAD_KB): BLKRASET (in 512-byte
           sectors) sets the same per-device value as a write of read_ahead_kb, without the queue freeze
           the 6.12 sysfs store takes (~13 ms a device under TCG, issue 15); sysfs if the ioctl fails */
        long got = 0;
        if (ioctl(lfd, BLKRASET, 128UL * 2) < 0 || ioctl(lfd, BLKRAGET, &got) < 0 || got != 128L * 2) {
            char ra[96]; sprintf(ra, "/sys/block/loop%d/queue/read_ahead_kb", n);
            int rf = open(ra, O_WRONLY | O_CLOEXEC);
            if (rf >= 0) { if (write(rf, "128", 3) < 0) { /* left as it is */ } close(rf); }
        }
        *num = n;
        return lfd;
    }
    close(ctl);
    errno = EBUSY;
    return -1;
}
static void rmtree(const char *p) {
    struct stat st;
    if (lstat(p, &st) < 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                char *c = malloc(strlen(p) + strlen(e->d_name) + 2);
                sprintf(c, "%s/%s", p, e->d_name);
                rmtree(c); free(c);
            }
            closedir(d);
        }
        rmdir(p);
    } else unlink(p);
}
/* the loop devices of one case, detached and closed by a thread of their own (release_all) */
struct detach { int n; int fds[MAXN + 8]; };
static pthread_t *threads; static size_t nthreads, cthreads;
static void *detach_loops(void *arg) {
    struct detach *d = arg;
    for (int i = 0; i < d->n; i++) {
        ioctl(d->fds[i], LOOP_CLR_FD, 0);
        close(d->fds[i]);
    }
    free(d);
    return NULL;
}
/* everything the case made: mounts newest first, loop devices, the folder; what stayed is reported */
static void release_all(void) {
    for (int i = nmounts - 1; i >= 0; i--) {
        if (umount2(mounts[i], 0) < 0 && errno != EINVAL && errno != ENOENT) {
            if (umount2(mounts[i], MNT_DETACH) < 0) { os(",\"left\":"); ohex(mounts[i]); }
        }
        free(mounts[i]);
    }
    nmounts = 0;
    /* the loop devices, detached by a thread (LOOP_CLR_FD, as the oracle does) while the next case
       goes on: the detach waits for the device's queue to freeze, about 50 ms under TCG, and
       nothing of the next case depends on it (its loop devices are others: LOOP_CTL_GET_FREE
       skips a bound one). The thread holds the descriptors (the process's table is shared: the
       case does not close them) and closes each after its detach; all threads are joined before
       the runner exits. A thread rather than a forked child (issue 15): a fork copied the page
       tables of the image pack and made the next case pay copy-on-write faults, 10-12 % of the
       runner's guest CPU under TCG. */
    if (nloops > 0) {
        struct detach *d = malloc(sizeof *d);
        pthread_t t;
        d->n = nloops;
        memcpy(d->fds, loopfds, nloops * sizeof *loopfds);
        if (pthread_create(&t, NULL, detach_loops, d) != 0) detach_loops(d); /* no thread: detach here */
        else {
            if (nthreads == cthreads) {
                cthreads = cthreads ? 2 * cthreads : 64;
                threads = realloc(threads, cthreads * sizeof *threads);
                if (!threads) { perror("realloc"); exit(70); }
            }
            threads[nthreads++] = t;
        }
        /* earlier cases' threads that are done */
        size_t kept = 0;
        for (size_t i = 0; i < nthreads; i++) if (pthread_tryjoin_np(threads[i], NULL) != 0) threads[kept++] = threads[i];
        nthreads = kept;
    }
    nloops = 0;
    rmtree(sbdir);
}

/* ------------------------------------------------------------------ observation pieces */

static int kmsg_open(void) {
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) lseek(fd, 0, SEEK_END);
    return fd;
}
/* the sequence number of a /dev/kmsg record ("prio,seq,ts,flags;message", NUL-terminated), -1 if none */
static long long kmsg_seq(const char *rec) {
    const char *c = strchr(rec, ',');
    return c ? strtoll(c + 1, NULL, 10) : -1;
}
/* the records printed since the last read, as a JSON array of hex strings (Kmsg.parse reads them).
 * A read that fails with EPIPE means the records after the last one read were overwritten in the
 * kernel's log buffer before this read; the next read goes on at the oldest record left. Returns how
 * many were lost, at least: the gap from next (the sequence number expected, -1 if unknown) to the
 * record read after the EPIPE, or 1 when the gap is unknown. */
static long long kmsg_dump(int fd, long long next) {
    static char rec[8192 + 512 + 1];
    int first = 1, lostHere = 0;
    long long lost = 0;
    os("[");
    for (;;) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n < 0) {
            if (errno == EPIPE) { lostHere = 1; continue; }
            if (errno == EINTR) continue;
            break;
        }
        if (n == 0) break;
        rec[n] = 0;
        long long seq = kmsg_seq(rec);
        if (lostHere) { lost += next >= 0 && seq > next ? seq - next : 1; lostHere = 0; }
        if (seq >= 0) next = seq + 1;
        if (!first) os(",");
        first = 0;
        ohexn((unsigned char *)rec, n);
    }
    os("]");
    return lost + lostHere;
}
/* a line cut by printk's record size has no newline, and its record stays open (unread) until the
 * next record: one of ours finalizes it (Kmsg.finalizeOpenRecord, the same mark) */
static void kmsg_write(const char *line) {
    int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    if (write(fd, line, strlen(line)) < 0) { /* the line stays unwritten, as before */ }
    close(fd);
}
static void kmsg_mark(void) {
    kmsg_write("erofs-sim: end of an observation (finalizes a cut printk record)\n");
}
/* a debug-level record (below the console's level) written just before a window opens: the guard reads
 * it, so its sequence number tells where the window begins and how many records an EPIPE skipped */
static void kmsg_start(void) {
    kmsg_write("<7>erofs-sim: an observation's window begins after this record\n");
}
/* reads and drops the records printed since the last read; returns the sequence number after the last
 * one read (-1 if none): a window opened just before begins there or before it, so kmsg_dump's count
 * of lost records from there is a lower bound (exact when nothing printed in between) */
static long long kmsg_drain(int fd) {
    static char rec[8192 + 512 + 1];
    long long next = -1;
    for (;;) {
        ssize_t n = read(fd, rec, sizeof rec - 1);
        if (n < 0 && (errno == EPIPE || errno == EINTR)) continue;
        if (n <= 0) break;
        rec[n] = 0;
        long long seq = kmsg_seq(rec);
        if (seq >= 0) next = seq + 1;
    }
    return next;
}
static void sysfs_dump(void) {
    DIR *d = opendir("/sys/fs/erofs");
    int first = 1;
    os("[");
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.' || !strcmp(e->d_name, "features")) continue;
            if (!first) os(",");
            first = 0;
            ohex(e->d_name);
        }
        closedir(d);
    }
    os("]");
}

/* ------------------------------------------------------------------ tree walk (oracle.TreeWalker) */

#define MAX_ENTRIES 100000
#define MAX_DEPTH 64
#define MAX_FILE_BYTES (1LL << 30)
static long entries;
static int readSize;
static unsigned char *rbuf;
typedef struct { uint64_t ino; char sha[65]; long long ok; } cleanread;
static cleanread *clean; static size_t nclean, cclean;
static uint64_t *dirsSeen; static size_t ndirs, cdirs;
static int walkFirst, noteFirst;
static char *walkNotes; static size_t wnLen, wnCap;

static void note(const char *fmt, ...) { /* a walk note as text; "@E<n>@" stands for an errno name */
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof buf) n = sizeof buf - 1;
    size_t need = wnLen + 2 * n + 8;
    if (need > wnCap) { wnCap = need * 2; walkNotes = realloc(walkNotes, wnCap); }
    static const char *d = "0123456789abcdef";
    if (!noteFirst) walkNotes[wnLen++] = ',';
    noteFirst = 0;
    walkNotes[wnLen++] = '"';
    for (int i = 0; i < n; i++) { walkNotes[wnLen++] = d[(unsigned char)buf[i] >> 4]; walkNotes[wnLen++] = d[buf[i] & 15]; }
    walkNotes[wnLen++] = '"';
}

typedef struct { char *name; size_t len; uint64_t ino; int type; } dent;
static int dcmp(const void *a, const void *b) {
    const dent *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}
static const char *tname(mode_t m) {
    switch (m & S_IFMT) {
    case S_IFREG: return "file"; case S_IFDIR: return "dir"; case S_IFLNK: return "symlink";
    case S_IFCHR: return "chr"; case S_IFBLK: return "blk"; case S_IFIFO: return "fifo";
    case S_IFSOCK: return "sock"; default: return "unknown";
    }
}

static void walk(const char *mnt, const char *rel, size_t rlen, int depth, dent *de) {
    if (entries >= MAX_ENTRIES) {
        if (entries == MAX_ENTRIES) { note("tree walk stopped after %d entries", MAX_ENTRIES); entries++; }
        return;
    }
    char *path = malloc(strlen(mnt) + rlen + 1);
    strcpy(path, mnt); memcpy(path + strlen(mnt), rel, rlen); path[strlen(mnt) + rlen] = 0;
    char *shown = rlen == 0 ? strdup("/") : strndup(rel, rlen);
    struct stat st;
    if (lstat(path, &st) < 0) {
        int e = errno;
        if (!de) note("%s: lstat @E%d@", shown, e);
        else {
            if (!walkFirst) os(",");
            walkFirst = 0;
            os("{\"path\":"); ohex(shown);
            of(",\"lstatErrno\":%d,\"dino\":%llu,\"dtype\":%d}", e, (unsigned long long)de->ino, de->type);
            entries++;
        }
        free(path); free(shown);
        return;
    }
    if (!walkFirst) os(",");
    walkFirst = 0;
    entries++;
    os("{\"path\":"); ohex(shown);
    of(",\"ino\":%llu,\"type\":\"%s\",\"mode\":%u,\"uid\":%u,\"gid\":%u,\"size\":%lld,\"blocks\":%lld,\"nlink\":%llu,"
       "\"mtime\":%lld,\"mtimeNsec\":%ld", (unsigned long long)st.st_ino, tname(st.st_mode), st.st_mode & 07777,
       st.st_uid, st.st_gid, (long long)st.st_size, (long long)st.st_blocks, (unsigned long long)st.st_nlink,
       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) of(",\"rdev\":\"%u:%u\"", major(st.st_rdev), minor(st.st_rdev));
    if (S_ISLNK(st.st_mode)) {
        static char tgt[65536];
        ssize_t n = readlink(path, tgt, sizeof tgt);
        if (n < 0) of(",\"linkErrno\":%d", errno);
        else { os(",\"target\":"); ohexn((unsigned char *)tgt, n); }
    }
    /* xattrs: llistxattr, then lgetxattr of each name */
    {
        static char names[65536];
        ssize_t n = llistxattr(path, names, sizeof names);
        if (n < 0) {
            if (errno != EOPNOTSUPP) of(",\"listxattrErrno\":%d", errno);
            else os(",\"xattrs\":[]");
        } else {
            os(",\"xattrs\":[");
            int first = 1;
            for (ssize_t i = 0; i < n; i += strlen(names + i) + 1) {
                static unsigned char val[65536];
                ssize_t v = lgetxattr(path, names + i, val, sizeof val);
                if (!first) os(",");
                first = 0;
                os("["); ohex(names + i);
                if (v < 0) of(",%d]", errno);
                else { os(","); ohexn(val, v); os("]"); }
            }
            os("]");
        }
    }
    dent *kids = NULL; size_t nk = 0, ck = 0;
    if (S_ISREG(st.st_mode)) {
        cleanread *cr = NULL;
        for (size_t i = 0; i < nclean; i++) if (clean[i].ino == st.st_ino) { cr = &clean[i]; break; }
        if (cr) {
            of(",\"sha256\":\"%s\",\"okBytes\":%lld", cr->sha, cr->ok);
        } else {
            sha256 s; sha_init(&s);
            char hex[65];
            long long ok = 0;
            int err = 0, limit = 0;
            int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
            if (fd < 0) err = errno;
            else {
                for (;;) {
                    if (ok >= MAX_FILE_BYTES) { limit = 1; break; }
                    long long want = MAX_FILE_BYTES - ok < readSize ? MAX_FILE_BYTES - ok : readSize;
                    ssize_t n = read(fd, rbuf, want);
                    if (n < 0) { if (errno == EINTR) continue; err = errno; break; }
                    if (n == 0) break;
                    sha_update(&s, rbuf, n);
                    ok += n;
                }
                close(fd);
            }
            sha_hex(&s, hex);
            of(",\"sha256\":\"%s\",\"okBytes\":%lld", hex, ok);
            if (err) of(",\"readErrno\":%d", err);
            if (limit) os(",\"readLimit\":true");
            if (!err && !limit) {
                if (nclean == cclean) { cclean = cclean ? cclean * 2 : 64; clean = realloc(clean, cclean * sizeof *clean); }
                clean[nclean].ino = st.st_ino; memcpy(clean[nclean].sha, hex, 65); clean[nclean].ok = ok; nclean++;
            }
        }
    } else if (S_ISDIR(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) of(",\"readErrno\":%d", errno);
        else {
            static char dbuf[32768];
            for (;;) {
                long n = syscall(SYS_getdents64, fd, dbuf, sizeof dbuf);
                if (n < 0) { of(",\"readErrno\":%d", errno); break; }
                if (n == 0) break;
                for (long off = 0; off < n;) {
                    uint64_t ino; unsigned short reclen; unsigned char type;
                    memcpy(&ino, dbuf + off, 8); memcpy(&reclen, dbuf + off + 16, 2); type = dbuf[off + 18];
                    char *nm = dbuf + off + 19;
                    size_t len = strnlen(nm, reclen - 19);
                    if (!(len == 1 && nm[0] == '.') && !(len == 2 && nm[0] == '.' && nm[1] == '.')) {
                        if (nk == ck) { ck = ck ? ck * 2 : 16; kids = realloc(kids, ck * sizeof *kids); }
                        kids[nk].name = malloc(len + 1); memcpy(kids[nk].name, nm, len); kids[nk].name[len] = 0;
                        kids[nk].len = len; kids[nk].ino = ino; kids[nk].type = type; nk++;
                    }
                    off += reclen;
                }
            }
            close(fd);
        }
    }
    os("}");
    if (S_ISDIR(st.st_mode)) {
        int seen = 0;
        for (size_t i = 0; i < ndirs; i++) if (dirsSeen[i] == st.st_ino) { seen = 1; break; }
        if (seen) note("%s: directory ino %llu seen before; not walked again", shown, (unsigned long long)st.st_ino);
        else if (depth >= MAX_DEPTH) {
            if (ndirs == cdirs) { cdirs = cdirs ? cdirs * 2 : 64; dirsSeen = realloc(dirsSeen, cdirs * 8); }
            dirsSeen[ndirs++] = st.st_ino;
            note("%s: deeper than %d levels; not walked", shown, MAX_DEPTH);
        } else {
            if (ndirs == cdirs) { cdirs = cdirs ? cdirs * 2 : 64; dirsSeen = realloc(dirsSeen, cdirs * 8); }
            dirsSeen[ndirs++] = st.st_ino;
            qsort(kids, nk, sizeof *kids, dcmp);
            for (size_t i = 0; i < nk; i++) {
                if (kids[i].len == 0 || memchr(kids[i].name, '/', kids[i].len)) {
                    note("%s: dirent name '%s' (ino %llu) cannot be looked up and is left out", shown, kids[i].name,
                         (unsigned long long)kids[i].ino);
                    continue;
                }
                char *child = malloc(rlen + 1 + kids[i].len + 1);
                memcpy(child, rel, rlen); child[rlen] = '/'; memcpy(child + rlen + 1, kids[i].name, kids[i].len);
                walk(mnt, child, rlen + 1 + kids[i].len, depth + 1, &kids[i]);
                free(child);
            }
        }
    }
    for (size_t i = 0; i < nk; i++) free(kids[i].name);
    free(kids); free(path); free(shown);
}

/* ------------------------------------------------------------------ one case */

static const char *statkind(const char *p, int *nodev) {
    struct stat st;
    *nodev = 0;
    if (!p || !*p || stat(p, &st) < 0) return NULL;
    if (S_ISBLK(st.st_mode)) {
        struct statfs sf;
        if (statfs(p, &sf) == 0 && (sf.f_flags & ST_NODEV)) *nodev = 1;
        return "blk";
    }
    return S_ISREG(st.st_mode) ? "reg" : "other";
}

static int fsopen_mount(const char *src, const char *target, int ro, const char *opts, int fcfirst) {
    (void)fcfirst;
    int fd = syscall(SYS_fsopen, "erofs", 1);
    if (fd < 0) { of(",\"errno\":%d,\"fcLog\":[]", errno); return -1; }
    int err = 0;
    if (ro && syscall(SYS_fsconfig, fd, 0, "ro", NULL, 0) < 0) err = errno;
    if (!err && src && syscall(SYS_fsconfig, fd, 1, "source", src, 0) < 0) err = errno;
    if (!err && opts && *opts) {
        char *all = strdup(opts), *p = all;
        for (;;) {
            char *c = strchr(p, ',');
            if (c) *c = 0;
            char *eq = strchr(p, '=');
            long r;
            if (!eq) r = syscall(SYS_fsconfig, fd, 0, p, NULL, 0);
            else { *eq = 0; r = syscall(SYS_fsconfig, fd, 1, p, eq + 1, 0); }
            if (r < 0) { err = errno; break; }
            if (!c) break;
            p = c + 1;
        }
        free(all);
    }
    if (!err && syscall(SYS_fsconfig, fd, 6, NULL, NULL, 0) < 0) err = errno;
    int mounted = 0;
    if (!err) {
        int mfd = syscall(SYS_fsmount, fd, 1, 0);
        if (mfd < 0) err = errno;
        else {
            if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, 4) < 0) err = errno;
            else mounted = 1;
            close(mfd);
        }
    }
    of(",\"errno\":%d,\"fcLog\":[", err);
    static char m[8192];
    for (int i = 0, first = 1; i < 64; i++) {
        ssize_t n = read(fd, m, sizeof m);
        if (n < 0) {
            if (errno != ENODATA) {
                char t[96]; snprintf(t, sizeof t, "(reading the fs_context log failed with errno %d)", errno);
                if (!first) os(",");
                ohex(t);
            }
            break;
        }
        if (n == 0) break;
        if (n > 0 && m[n - 1] == '\n') n--;
        if (!first) os(",");
        first = 0;
        ohexn((unsigned char *)m, n);
    }
    os("]");
    close(fd);
    return mounted ? 0 : -1;
}

static double since(struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ------------------------------------------------------------------ files on other file systems */

/* the kinds oracle.Sandbox.realise mounts for files, in the order it does them (BackingFs's order) */
static const char *FS_KINDS[] = {"tmpfs", "ramfs", "proc", "overlay", "erofs", "erofs-bdev"};
static int is_own_fs(const pnode *n) { return n->kind == 'f' && (!n->fs || !strcmp(n->fs, "ext4")); }

/* why the namespace could not be built: the call and its path, as oracle.Syscalls names a failed call */
static int setupErr; static const char *setupWhat; static char setupPath[4200];
static int fail_at(const char *what, const char *path, int err) {
    setupErr = err ? err : EIO; setupWhat = what;
    snprintf(setupPath, sizeof setupPath, "%s", path ? path : "");
    return -1;
}
static int smount(const char *src, const char *tgt, const char *type, unsigned long flags, const char *data) {
    if (mount(src, tgt, type, flags, data) < 0) return fail_at("mount", tgt, errno);
    if (nmounts < MAXMOUNTS) mounts[nmounts++] = strdup(tgt);
    return 0;
}
/* Sandbox.bindFile: an empty file at the scenario path (Files.createFile: it must not exist), FROM bound onto it */
static int bind_file(const char *from, const char *key) {
    char *to = realp(key);
    int fd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int r;
    if (fd < 0) r = fail_at("create", to, errno);
    else { close(fd); r = smount(from, to, NULL, MS_BIND, NULL); }
    free(to);
    return r;
}
/* mkfs.erofs --quiet IMG SRC (the host's, as Sandbox.run starts it): its exit status, -1 when it could not run */
static int run_mkfs(const char *img, const char *src) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) { dup2(nul, 1); dup2(nul, 2); }
        execlp("mkfs.erofs", "mkfs.erofs", "--quiet", img, src, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
static int wrapFirst;
/* oracle.Sandbox.realiseFilesOn: the case's files of kind FS (in plan order, the oracle's path order), each
   written as fs/KIND/.../fN and bind-mounted at its scenario path */
static int files_on(pcase *c, const char *fs) {
    int idx[MAXN], n = 0;
    for (int i = 0; i < c->nn; i++) if (c->nodes[i].kind == 'f' && c->nodes[i].fs && !strcmp(c->nodes[i].fs, fs)) idx[n++] = i;
    if (n == 0) return 0;
    char base[400], p[600], q[64];
    snprintf(base, sizeof base, "%s/fs/%s", sbdir, fs);
    if (mkdirs(base) < 0) return fail_at("mkdir", base, errno);
    if (!strcmp(fs, "tmpfs") || !strcmp(fs, "ramfs") || !strcmp(fs, "proc")) {
        int proc = !strcmp(fs, "proc");
        if (smount(fs, base, fs, MS_NOSUID | MS_NODEV, proc ? NULL : "mode=0755") < 0) return -1;
        for (int k = 0; k < n; k++) {
            if (proc) snprintf(p, sizeof p, "%s/version", base); /* its content is not the image's (a note says so) */
            else {
                snprintf(p, sizeof p, "%s/f%d", base, k);
                if (write_sparse(c->nodes[idx[k]].image, p) < 0) return fail_at("write", p, errno);
            }
            if (bind_file(p, c->nodes[idx[k]].path) < 0) return -1;
        }
        return 0;
    }
    if (!strcmp(fs, "overlay")) {
        char lower[420], upper[420], work[420], merged[420];
        snprintf(lower, sizeof lower, "%s/lower", base); snprintf(upper, sizeof upper, "%s/upper", base);
        snprintf(work, sizeof work, "%s/work", base); snprintf(merged, sizeof merged, "%s/merged", base);
        const char *dirs[4] = {lower, upper, work, merged};
        for (int k = 0; k < 4; k++) if (mkdirs(dirs[k]) < 0) return fail_at("mkdir", dirs[k], errno);
        for (int k = 0; k < n; k++) {
            snprintf(p, sizeof p, "%s/f%d", lower, k);
            if (write_sparse(c->nodes[idx[k]].image, p) < 0) return fail_at("write", p, errno);
        }
        char data[1400];
        snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
        if (smount("overlay", merged, "overlay", 0, data) < 0) return -1;
        for (int k = 0; k < n; k++) {
            snprintf(p, sizeof p, "%s/f%d", merged, k);
            if (bind_file(p, c->nodes[idx[k]].path) < 0) return -1;
        }
        return 0;
    }
    if (!strcmp(fs, "erofs") || !strcmp(fs, "erofs-bdev")) {
        char src[420], top[420], img[420];
        snprintf(src, sizeof src, "%s/src", base); snprintf(top, sizeof top, "%s/mnt", base);
        if (mkdirs(src) < 0) return fail_at("mkdir", src, errno);
        if (mkdirs(top) < 0) return fail_at("mkdir", top, errno);
        for (int k = 0; k < n; k++) {
            snprintf(p, sizeof p, "%s/f%d", src, k);
            if (write_sparse(c->nodes[idx[k]].image, p) < 0) return fail_at("write", p, errno);
        }
        snprintf(img, sizeof img, "%s/store/wrap-%s.img", sbdir, fs);
        int st = run_mkfs(img, src);
        if (st != 0) { snprintf(q, sizeof q, "status %d", st); return fail_at("mkfs.erofs", q, EIO); }
        if (!strcmp(fs, "erofs")) {
            if (smount(img, top, "erofs", MS_RDONLY, NULL) < 0) return -1;
        } else {
            int num;
            int lfd = attach_loop(img, 1, 512, &num);
            if (lfd < 0) return fail_at("LOOP_CONFIGURE", img, errno);
            loopfds[nloops] = lfd; loopnums[nloops++] = num;
            if (!wrapFirst) os(",");
            wrapFirst = 0;
            of("\"loop%d\"", num);
            char dev[64]; snprintf(dev, sizeof dev, "/dev/loop%d", num);
            if (smount(dev, top, "erofs", MS_RDONLY, NULL) < 0) return -1;
        }
        struct statfs sf;
        if (statfs(top, &sf) < 0) return fail_at("statfs", top, errno);
        if ((unsigned long)sf.f_type != 0xE0F5E1E2UL) return fail_at("f_type", top, EINVAL);
        for (int k = 0; k < n; k++) {
            snprintf(p, sizeof p, "%s/f%d", top, k);
            if (bind_file(p, c->nodes[idx[k]].path) < 0) return -1;
        }
        return 0;
    }
    return fail_at("fs", fs, EINVAL);
}

/* where the runner's time went, summed over its cases (seconds): printed at its end (ERV-NATIVE-PHASES) */
static double sumSetup, sumMount, sumObserve, sumRelease;

static void run_case(pcase *c, const char *release, FILE *out) {
    struct timespec t0, t1;
    double tSetup = 0, tMount = 0, tObserved = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    olen = 0;
    os("{\"case\":"); ohex(c->name);
    os(",\"release\":"); ohex(release);
    int guard = kmsg_open();
    long long windowFrom = -1; /* the window's first sequence number, as far as the guard tells */
    strcpy(sbdir, "/tmp/erofs-sim-live-XXXXXX");
    if (!mkdtemp(sbdir)) { of(",\"setupErrno\":%d}", errno); goto write; }
    snprintf(sbroot, sizeof sbroot, "%s/root", sbdir);
    os(",\"sandbox\":"); ohex(sbdir);
    {
        char p[400];
        const char *subs[4] = {"root", "store", "fs", "mnt"};
        for (int i = 0; i < 4; i++) { snprintf(p, sizeof p, "%s/%s", sbdir, subs[i]); mkdir(p, 0755); }
    }
    os(",\"loops\":[");
    setupErr = 0; setupWhat = ""; setupPath[0] = 0;
    int stores = 0, firstLoop = 1;
    /* nodes: everything but block devices in path order, then block devices (Sandbox.realise) */
    for (int pass = 0; pass < 2 && !setupErr; pass++) {
        for (int i = 0; i < c->nn && !setupErr; i++) {
            pnode *n = &c->nodes[i];
            if ((n->kind == 'b') != (pass == 1)) continue;
            char *rp = realp(n->path);
            if (mkparents(rp) < 0) { setupErr = errno; setupWhat = "mkdir"; }
            else if (n->kind == 'd') { if (mkdirs(rp) < 0) { setupErr = errno; setupWhat = "mkdir"; } }
            else if (n->kind == 'l') {
                char *t = n->target[0] == '/' ? realp(n->target) : strdup(n->target);
                if (symlink(t, rp) < 0) { setupErr = errno; setupWhat = "symlink"; }
                free(t);
            } else if (n->kind == 'c') {
                if (mknod(rp, S_IFCHR | 0666, makedev(n->major, n->minor)) < 0) { setupErr = errno; setupWhat = "mknod"; }
            } else if (n->kind == 'f') {
                if (is_own_fs(n) && write_sparse(n->image, rp) < 0) { setupErr = errno; setupWhat = "write image"; }
            } else if (n->kind == 'b') {
                char img[400]; snprintf(img, sizeof img, "%s/store/bdev%d.img", sbdir, stores++);
                int num;
                if (write_sparse(n->image, img) < 0) { setupErr = errno; setupWhat = "write image"; }
                else {
                    int lfd = attach_loop(img, n->ro, n->lbs > 0 ? n->lbs : 512, &num);
                    if (lfd < 0) { setupErr = errno; setupWhat = "LOOP_CONFIGURE"; }
                    else {
                        loopfds[nloops] = lfd; loopnums[nloops++] = num;
                        struct stat ls;
                        char dev[64]; sprintf(dev, "/dev/loop%d", num);
                        if (stat(dev, &ls) < 0) { setupErr = errno; setupWhat = "stat loop"; }
                        else if (mknod(rp, S_IFBLK | 0600, ls.st_rdev) < 0) { setupErr = errno; setupWhat = "mknod"; }
                        else {
                            if (!firstLoop) os(",");
                            firstLoop = 0;
                            os("["); ohex(n->path); of(",\"loop%d\",\"%u:%u\"]", num, major(ls.st_rdev), minor(ls.st_rdev));
                        }
                    }
                }
            }
            free(rp);
        }
    }
    os("]");
    /* then the files on file systems of their own, kind by kind (their loop devices, if any, listed apart) */
    os(",\"wrapLoops\":[");
    wrapFirst = 1;
    for (int k = 0; k < (int)(sizeof FS_KINDS / sizeof *FS_KINDS) && !setupErr; k++) files_on(c, FS_KINDS[k]);
    os("]");
    if (setupErr) {
        of(",\"setupErrno\":%d,\"setupWhat\":\"%s\"", setupErr, setupWhat);
        if (setupPath[0]) { os(",\"setupPath\":"); ohex(setupPath); }
        goto release;
    }
    tSetup = since(&t0);
    os(",\"before\":[");
    for (int i = 0; i < c->nb; i++) {
        char mp[400]; snprintf(mp, sizeof mp, "%s/mnt/before%d", sbdir, i);
        mkdir(mp, 0755);
        char *rs = realp(c->before[i].source), *ro = realopts(c->before[i].options);
        int r = mount(rs, mp, "erofs", c->before[i].ro ? MS_RDONLY : 0, ro);
        of("%s%d", i ? "," : "", r < 0 ? errno : 0);
        if (r == 0 && nmounts < MAXMOUNTS) mounts[nmounts++] = strdup(mp);
        free(rs); free(ro);
    }
    os("]");
    {
        char mp[400]; snprintf(mp, sizeof mp, "%s/mnt/main", sbdir);
        mkdir(mp, 0755);
        char *rs = realp(c->source), *ro = realopts(c->options);
        int nodev;
        const char *kind = statkind(rs, &nodev);
        os(",\"sourceKind\":"); if (kind) of("\"%s\"", kind); else os("null");
        of(",\"sourceNodev\":%s", nodev ? "true" : "false");
        os(",\"sysfsBefore\":"); sysfs_dump();
        kmsg_start();
        int win = kmsg_open();
        windowFrom = kmsg_drain(guard);
        int r;
        if (c->api == 1) r = fsopen_mount(rs, mp, c->ro, ro, 1);
        else {
            r = mount(rs, mp, "erofs", c->ro ? MS_RDONLY : 0, ro);
            of(",\"errno\":%d", r < 0 ? errno : 0);
        }
        int openRecordRisk = (rs && strlen(rs) > 900) || (ro && strlen(ro) > 900); /* Kmsg.OPEN_RECORD_RISK */
        free(rs); free(ro);
        tMount = since(&t0);
        if (r != 0 && openRecordRisk) kmsg_mark();
        if (r == 0) {
            if (nmounts < MAXMOUNTS) mounts[nmounts++] = strdup(mp);
            /* the mountinfo line of the mount point (the last one: the top of the stack) */
            FILE *mi = fopen("/proc/self/mountinfo", "r");
            char *line = NULL, *last = NULL; size_t cap = 0;
            char needle[420]; snprintf(needle, sizeof needle, " %s ", mp);
            while (mi && getline(&line, &cap, mi) > 0) {
                if (strstr(line, needle)) { free(last); last = strdup(line); }
            }
            if (mi) fclose(mi);
            free(line);
            if (last) { last[strcspn(last, "\n")] = 0; os(",\"mountinfo\":"); ohex(last); }
            unsigned maj = 0, min = 0;
            if (last) { char *f = last; for (int k = 0; k < 2 && f; k++) f = strchr(f + 1, ' '); if (f) sscanf(f + 1, "%u:%u", &maj, &min); }
            free(last);
            os(",\"sysfsMounted\":"); sysfs_dump();
            struct statfs sf;
            if (statfs(mp, &sf) == 0) {
                of(",\"statfs\":[%lld,%lld,%lld,%lld,%lld,%lld,%lld,%d,%d,%lld]", (long long)sf.f_type,
                   (long long)sf.f_bsize, (long long)sf.f_blocks, (long long)sf.f_bfree, (long long)sf.f_bavail,
                   (long long)sf.f_files, (long long)sf.f_ffree, sf.f_fsid.__val[0], sf.f_fsid.__val[1],
                   (long long)sf.f_namelen);
            }
            if (maj != 0) {
                char sys[96], real[4096]; snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u", maj, min);
                char *rp = realpath(sys, real);
                if (rp) {
                    char *b = strrchr(real, '/'); b = b ? b + 1 : real;
                    os(",\"bdevName\":"); ohex(b);
                    char e[4200]; snprintf(e, sizeof e, "/sys/fs/erofs/%s", b);
                    struct stat es;
                    of(",\"bdevSysfs\":%s", stat(e, &es) == 0 && S_ISDIR(es.st_mode) ? "true" : "false");
                }
            }
            if (c->read) {
                entries = 0; nclean = 0; ndirs = 0; walkFirst = 1; noteFirst = 1; wnLen = 0;
                readSize = c->readSize;
                rbuf = realloc(rbuf, readSize);
                os(",\"tree\":[");
                walk(mp, "", 0, 0, NULL);
                os("]");
                os(",\"walkNotes\":[");
                if (wnLen) oput(walkNotes, wnLen);
                os("]");
            }
            struct stat rs2;
            of(",\"rootIno\":%lld", stat(mp, &rs2) == 0 ? (long long)rs2.st_ino : -1LL);
        }
        os(",\"kmsg\":");
        long long lost = 0;
        if (win >= 0) lost = kmsg_dump(win, windowFrom); else os("[]");
        if (lost > 0) of(",\"kmsgLost\":%lld", lost);
        os(",\"sysfsAtLog\":"); sysfs_dump();
        if (win >= 0) close(win);
        tObserved = since(&t0);
    }
release:
    release_all();
    os(",\"guard\":");
    long long guardLost = 0;
    if (guard >= 0) guardLost = kmsg_dump(guard, windowFrom); else os("[]");
    if (guardLost > 0) of(",\"guardLost\":%lld", guardLost);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* where the time went (seconds since the case started): namespace built, mount(2) returned, observed */
    of(",\"phases\":[%.4f,%.4f,%.4f]", tSetup, tMount, tObserved);
    double total = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    of(",\"seconds\":%.3f}", total);
    if (tObserved > 0) {
        sumSetup += tSetup; sumMount += tMount - tSetup; sumObserve += tObserved - tMount; sumRelease += total - tObserved;
    } else sumRelease += total; /* a namespace that could not be built: its making and release */
write:
    if (guard >= 0) close(guard);
    os("\n");
    fwrite(ob, 1, olen, out);
    fflush(out); /* one write(2) per line: over 9p it is on the host when it returns (no fsync: a guest
                    panic cannot lose it, and the host's disk flush would cost more than the case) */
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: erofs-guest-runner PLAN OUT.jsonl\n"); return 2; }
    FILE *plan = fopen(argv[1], "r");
    if (!plan) { perror(argv[1]); return 66; }
    FILE *out = fopen(argv[2], "a");
    if (!out) { perror(argv[2]); return 73; }
    char release[256] = "?";
    FILE *r = fopen("/proc/sys/kernel/osrelease", "r");
    if (r) { if (fgets(release, sizeof release, r)) release[strcspn(release, "\n")] = 0; fclose(r); }
    char *line = NULL; size_t cap = 0;
    pcase c; memset(&c, 0, sizeof c);
    int cases = 0;
    struct timespec start;
    double packSeconds = 0;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (getline(&line, &cap, plan) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *tok[8] = {0}; int nt = 0;
        for (char *s = strtok(line, " "); s && nt < 8; s = strtok(NULL, " ")) tok[nt++] = s;
        if (nt == 0) continue;
        if (!strcmp(tok[0], "P") && nt == 3) {
            char *pp = unhex(tok[1]);
            if (load_pack(pp, strtoull(tok[2], NULL, 10)) < 0) { perror(pp); return 66; }
            free(pp);
            packSeconds = since(&start);
        } else if (!strcmp(tok[0], "C") && nt == 8) {
            memset(&c, 0, sizeof c);
            c.name = unhex(tok[1]); c.source = unhex(tok[2]); c.options = unhex(tok[3]);
            c.ro = atoi(tok[4]); c.api = atoi(tok[5]); c.read = atoi(tok[6]); c.readSize = atoi(tok[7]);
        } else if (!strcmp(tok[0], "N") && nt >= 3 && c.nn < MAXN) {
            pnode *n = &c.nodes[c.nn++];
            memset(n, 0, sizeof *n);
            n->kind = tok[1][0]; n->path = unhex(tok[2]);
            if (n->kind == 'f' || n->kind == 'b') n->image = strdup(tok[3]);
            if (n->kind == 'f') n->fs = nt >= 5 ? strdup(tok[4]) : NULL;
            if (n->kind == 'b') { n->ro = atoi(tok[4]); n->lbs = atoi(tok[5]); }
            if (n->kind == 'l') n->target = unhex(tok[3]);
            if (n->kind == 'c') { n->major = atoi(tok[3]); n->minor = atoi(tok[4]); }
        } else if (!strcmp(tok[0], "B") && nt == 4 && c.nb < 8) {
            c.before[c.nb].source = unhex(tok[1]); c.before[c.nb].options = unhex(tok[2]); c.before[c.nb].ro = atoi(tok[3]);
            c.nb++;
        } else if (!strcmp(tok[0], "E")) {
            run_case(&c, release, out);
            printf("ERV-NATIVE %d\n", ++cases);
            fflush(stdout);
        } else {
            fprintf(stderr, "erofs-guest-runner: bad plan line: %s\n", tok[0]);
            return 65;
        }
    }
    fclose(out);
    for (size_t i = 0; i < nthreads; i++) pthread_join(threads[i], NULL); /* every loop device detached */
    while (wait(NULL) > 0 || errno == EINTR) { } /* and every child (mkfs.erofs) waited for before the runner ends */
    fprintf(stderr, "ERV-NATIVE-PHASES cases=%d pack=%.2f setup=%.2f mount=%.2f observe=%.2f release=%.2f total=%.2f\n",
            cases, packSeconds, sumSetup, sumMount, sumObserve, sumRelease, since(&start));
    return 0;
}
