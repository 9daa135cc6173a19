/*
 * airlock-sandboxd: the two small native halves of an Airlock sandbox session.
 *
 *   airlock-sandboxd launch SECCOMP_FILE NCG CG_PROCS... -- BWRAP ARGS...
 *     Host side, runs for a few microseconds: joins the session's cgroups (so bwrap and everything it starts is
 *     accounted from the first instruction), opens the seccomp program, replaces the literal argument
 *     "@SECCOMP_FD@" with its descriptor number and execs bubblewrap. Java cannot pass extra descriptors to a
 *     child process; this is why the launcher exists.
 *
 *   airlock-sandboxd serve [--notify FILTER] [--bridge PORT SOCKET] [--quota BYTES INODES] [--grantable N DIR...]
 *                          WRITABLE_DIR... DIR...
 *     Inside the sandbox (bwrap's command): restricts itself with Landlock (read-only everywhere except the listed
 *     directories, then the N grantable ones repeated at the end), then answers length-prefixed requests on
 *     stdin/stdout: exec, read, write, list, grants, background, quit. Every tool call
 *     and every file tool runs here, behind the boundary. It forks one child per exec and puts the child in a
 *     nested Landlock domain that may not signal the supervisor nor reach abstract Unix sockets outside it.
 *
 * Wire format, both directions: u32 little-endian frame length, then u32 field count, then per field u32 length and
 * bytes. Requests: field 0 is the verb. Responses: field 0 is "ok" or "err".
 *
 * Design notes: the supervisor is non-dumpable, so a same-uid process in the sandbox cannot open /proc/<pid>/fd of
 * the supervisor and forge responses. After every call all processes of the pid namespace except pid 1 (bwrap) and
 * the supervisor are killed, unless the session holds exec:background.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define MAX_FRAME (64u * 1024u * 1024u)
#define MAX_FIELDS 65536u

struct ll_ruleset_attr { uint64_t handled_access_fs; uint64_t handled_access_net; uint64_t scoped; };
struct ll_path_beneath { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));

#define LL_EXECUTE (1ULL << 0)
#define LL_WRITE_FILE (1ULL << 1)
#define LL_READ_FILE (1ULL << 2)
#define LL_READ_DIR (1ULL << 3)
#define LL_REMOVE_DIR (1ULL << 4)
#define LL_REMOVE_FILE (1ULL << 5)
#define LL_MAKE_CHAR (1ULL << 6)
#define LL_MAKE_DIR (1ULL << 7)
#define LL_MAKE_REG (1ULL << 8)
#define LL_MAKE_SOCK (1ULL << 9)
#define LL_MAKE_FIFO (1ULL << 10)
#define LL_MAKE_BLOCK (1ULL << 11)
#define LL_MAKE_SYM (1ULL << 12)
#define LL_REFER (1ULL << 13)
#define LL_TRUNCATE (1ULL << 14)
#define LL_IOCTL_DEV (1ULL << 15)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct reply;
static void reply_denials(struct reply *r);
static int landlock_abi = 0;
static const char *landlock_error = "";
static int allow_background = 0;
static pid_t bridge_pid = 0;

/* ---------- framing ---------- */

struct buf { char *p; size_t len, cap; };

static void buf_put(struct buf *b, const void *src, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) { _exit(70); }
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}
static void buf_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }

struct reply { struct buf body; uint32_t count; };

static void reply_field(struct reply *r, const void *p, size_t n) { buf_u32(&r->body, (uint32_t) n); buf_put(&r->body, p, n); r->count++; }
static void reply_str(struct reply *r, const char *s) { reply_field(r, s, strlen(s)); }
static void reply_long(struct reply *r, long long v) { char tmp[32]; snprintf(tmp, sizeof tmp, "%lld", v); reply_str(r, tmp); }

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t) w;
    }
    return 0;
}
static int read_all(int fd, char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) { if (errno == EINTR) continue; return -1; }
        if (r == 0) return -1;
        p += r; n -= (size_t) r;
    }
    return 0;
}

static void send_reply(struct reply *r) {
    uint32_t total = 4 + (uint32_t) r->body.len;
    uint32_t count = r->count;
    if (write_all(1, (char *) &total, 4) || write_all(1, (char *) &count, 4) || write_all(1, r->body.p, r->body.len)) _exit(71);
    free(r->body.p);
}

static void reply_error(const char *what, int err) {
    struct reply r = {0};
    reply_str(&r, "err");
    reply_long(&r, err);
    char msg[512];
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
    reply_str(&r, msg);
    send_reply(&r);
}

struct request { char *frame; uint32_t count; char **field; uint32_t *flen; };

static int read_request(struct request *q) {
    uint32_t total;
    if (read_all(0, (char *) &total, 4)) return -1;
    if (total < 4 || total > MAX_FRAME) return -1;
    q->frame = malloc(total + 1);
    if (!q->frame || read_all(0, q->frame, total)) return -1;
    memcpy(&q->count, q->frame, 4);
    if (q->count == 0 || q->count > MAX_FIELDS) return -1;
    q->field = calloc(q->count, sizeof(char *));
    q->flen = calloc(q->count, sizeof(uint32_t));
    size_t off = 4;
    for (uint32_t i = 0; i < q->count; i++) {
        uint32_t n;
        if (off + 4 > total) return -1;
        memcpy(&n, q->frame + off, 4);
        off += 4;
        if (n > total - off) return -1;
        /* Fields are NUL-terminated in place by shifting: copy into own buffer for simplicity. */
        q->field[i] = malloc(n + 1);
        memcpy(q->field[i], q->frame + off, n);
        q->field[i][n] = 0;
        q->flen[i] = n;
        off += n;
    }
    return 0;
}

static void free_request(struct request *q) {
    for (uint32_t i = 0; i < q->count; i++) free(q->field[i]);
    free(q->field); free(q->flen); free(q->frame);
    memset(q, 0, sizeof *q);
}

/* ---------- Landlock ---------- */

static uint64_t fs_rights_for(int abi) {
    uint64_t all = LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_READ_DIR | LL_REMOVE_DIR | LL_REMOVE_FILE |
                   LL_MAKE_CHAR | LL_MAKE_DIR | LL_MAKE_REG | LL_MAKE_SOCK | LL_MAKE_FIFO | LL_MAKE_BLOCK | LL_MAKE_SYM;
    if (abi >= 2) all |= LL_REFER;
    if (abi >= 3) all |= LL_TRUNCATE;
    if (abi >= 5) all |= LL_IOCTL_DEV;
    return all;
}

static int add_rule(int ruleset, const char *path, uint64_t access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    struct ll_path_beneath pb = { .allowed_access = access, .parent_fd = fd };
    struct stat st;
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) {
        pb.allowed_access &= LL_EXECUTE | LL_WRITE_FILE | LL_READ_FILE | LL_TRUNCATE | LL_IOCTL_DEV;
    }
    int rc = (int) syscall(SYS_landlock_add_rule, ruleset, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &pb, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Read and execute everywhere in the (already minimal) mount namespace; write only beneath the given dirs. */
static int landlock_filesystem(int nwritable, char **writable) {
    int abi = (int) syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */);
    if (abi < 1) { landlock_error = strerror(errno); return -1; }
    landlock_abi = abi;
    uint64_t handled = fs_rights_for(abi);
    struct ll_ruleset_attr attr = { .handled_access_fs = handled };
    int rs = (int) syscall(SYS_landlock_create_ruleset, &attr, abi >= 6 ? sizeof attr : 16, 0);
    if (rs < 0) { landlock_error = "landlock_create_ruleset failed"; return -1; }
    if (add_rule(rs, "/", LL_EXECUTE | LL_READ_FILE | LL_READ_DIR)) { landlock_error = "landlock rule for / failed"; return -1; }
    /* /dev/null, /dev/tty and friends are character devices: writing and their ioctls are harmless. */
    if (add_rule(rs, "/dev", handled & ~(LL_MAKE_CHAR | LL_MAKE_BLOCK | LL_EXECUTE))) { landlock_error = "landlock rule for /dev failed"; return -1; }
    for (int i = 0; i < nwritable; i++) {
        if (add_rule(rs, writable[i], handled & ~(LL_MAKE_CHAR | LL_MAKE_BLOCK | LL_IOCTL_DEV))) {
            landlock_error = "landlock rule for a writable directory failed";
            return -1;
        }
    }
    if (syscall(SYS_landlock_restrict_self, rs, 0)) { landlock_error = "landlock_restrict_self failed"; return -1; }
    close(rs);
    return 0;
}

/*
 * The nested domain every call's child enters: it may not signal or connect to anything outside itself (ABI 6+)
 * and, when the policy has writable-on-grant directories, it may write only beneath the always-writable directories
 * and the grants in force. Built once and rebuilt only when grants change, so a call costs one
 * landlock_restrict_self; processes started under an earlier ruleset keep the rights they started with.
 */
static int call_ruleset = -1;
static int n_always_writable = 0;
static char **always_writable = NULL;
static int n_grantable = 0;
static char **grantable = NULL;

static int build_call_ruleset(int ngranted, char **granted) {
    if (landlock_abi < 1) return n_grantable ? -1 : 0;
    uint64_t handled = n_grantable ? fs_rights_for(landlock_abi) & ~(LL_EXECUTE | LL_READ_FILE | LL_READ_DIR) : 0;
    struct ll_ruleset_attr attr = { .handled_access_fs = handled,
                                    .scoped = landlock_abi >= 6 ? LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL : 0 };
    int rs = -1;
    if (handled || attr.scoped) {
        rs = (int) syscall(SYS_landlock_create_ruleset, &attr, landlock_abi >= 6 ? sizeof attr : 16, 0);
        if (rs < 0) return -1;
    }
    if (handled) {
        uint64_t rw = handled & ~(LL_MAKE_CHAR | LL_MAKE_BLOCK | LL_IOCTL_DEV);
        int bad = add_rule(rs, "/dev", handled & ~(LL_MAKE_CHAR | LL_MAKE_BLOCK));
        for (int i = 0; i < n_always_writable && !bad; i++) bad = add_rule(rs, always_writable[i], rw);
        for (int i = 0; i < ngranted && !bad; i++) bad = add_rule(rs, granted[i], rw);
        if (bad) { close(rs); return -1; }
    }
    if (call_ruleset >= 0) close(call_ruleset);
    call_ruleset = rs; /* landlock ruleset descriptors are close-on-exec */
    return 0;
}

static void enter_call_domain(void) {
    if (call_ruleset >= 0 && syscall(SYS_landlock_restrict_self, call_ruleset, 0)) _exit(126);
}

/* Whether an absolute path has a "." or ".." component (which could lead out of a grantable directory). */
static int has_dot_segment(const char *p) {
    for (const char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
        if (s[1] == '.' && (s[2] == '/' || s[2] == 0 || (s[2] == '.' && (s[3] == '/' || s[3] == 0)))) return 1;
    }
    return 0;
}

/* grants PATH...: the writable-on-grant directories now granted (each one of the policy's, or beneath one). */
static void do_grants(struct request *q) {
    for (uint32_t i = 1; i < q->count; i++) {
        int ok = 0;
        for (int k = 0; k < n_grantable && !ok; k++) {
            size_t n = strlen(grantable[k]);
            ok = !strncmp(q->field[i], grantable[k], n) && (q->field[i][n] == 0 || q->field[i][n] == '/')
                 && !has_dot_segment(q->field[i]);
        }
        if (!ok) { reply_error("grants: not a writable-on-grant directory", EPERM); return; }
    }
    if (build_call_ruleset((int) q->count - 1, q->field + 1)) { reply_error("grants: landlock", errno ? errno : EINVAL); return; }
    struct reply r = {0};
    reply_str(&r, "ok");
    send_reply(&r);
}

/* ---------- process control ---------- */

/*
 * Workspace quota (policy workspaceQuotaBytes / workspaceQuotaInodes; 0 = none, and then no work at all): the
 * workspace is walked before a call, every QUOTA_EVERY_US while it runs and after it; a call that grows the workspace
 * beyond the quota is killed and reported. The walk stops as soon as the quota is passed.
 */
#define QUOTA_EVERY_US 250000LL
static long long quota_bytes = 0, quota_inodes = 0;
static long long walk_bytes, walk_inodes;

static int count_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void) path; (void) flag; (void) ftw;
    walk_bytes += (long long) st->st_blocks * 512;
    walk_inodes++;
    return (quota_bytes && walk_bytes > quota_bytes) || (quota_inodes && walk_inodes > quota_inodes) ? 1 : 0;
}

/* 1 when the workspace is over its quota; *used gets a monotone measure of its size (bytes + inodes). */
static int over_quota(long long *used) {
    walk_bytes = 0; walk_inodes = 0;
    int over = nftw("/workspace", count_entry, 16, FTW_PHYS | FTW_MOUNT) == 1;
    if (used) *used = walk_bytes + walk_inodes;
    return over;
}

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Kills every process of the pid namespace except pid 1 (bwrap) and ourselves; returns how many were signalled. */
static int kill_strays(void) {
    int killed = 0;
    pid_t self = getpid();
    DIR *d = opendir("/proc");
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 1 || pid == self || pid == bridge_pid) continue;
        if (kill((pid_t) pid, SIGKILL) == 0) killed++;
    }
    closedir(d);
    /* We are the subreaper: reap what we killed, so no zombie outlives the call either (bounded wait). */
    for (int i = 0; i < 200; i++) {
        pid_t w = waitpid(-1, NULL, WNOHANG);
        if (w > 0) continue;
        if (w < 0) break;
        usleep(500);
    }
    return killed;
}

static void set_nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

struct capture { struct buf data; size_t limit; int truncated; };

static int drain(int fd, struct capture *c) {
    char tmp[65536];
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r > 0) {
            size_t room = c->data.len < c->limit ? c->limit - c->data.len : 0;
            size_t keep = (size_t) r < room ? (size_t) r : room;
            if (keep) buf_put(&c->data, tmp, keep);
            if (keep < (size_t) r) c->truncated = 1;
            continue;
        }
        if (r == 0) return 1;
        if (errno == EINTR) continue;
        return errno == EAGAIN ? 0 : 1;
    }
}

/* exec CWD TIMEOUT_MS OUTPUT_LIMIT STDIN ARGC ARGV... ENV... */
static void do_exec(struct request *q) {
    if (q->count < 7) { reply_error("exec: malformed request", EINVAL); return; }
    const char *cwd = q->field[1];
    long long timeout_ms = atoll(q->field[2]);
    size_t limit = (size_t) atoll(q->field[3]);
    const char *in_data = q->field[4];
    size_t in_len = q->flen[4];
    long argc = atol(q->field[5]);
    if (argc < 1 || (uint32_t) (6 + argc) > q->count) { reply_error("exec: malformed argv", EINVAL); return; }
    char **argv = calloc((size_t) argc + 1, sizeof(char *));
    for (long i = 0; i < argc; i++) argv[i] = q->field[6 + i];
    uint32_t envc = q->count - 6 - (uint32_t) argc;
    char **envp = calloc(envc + 1, sizeof(char *));
    for (uint32_t i = 0; i < envc; i++) envp[i] = q->field[6 + argc + i];

    int in[2], out[2], err[2], status[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(status, O_CLOEXEC)) {
        reply_error("exec: pipe", errno); free(argv); free(envp); return;
    }
    long long used_before = 0, used_now = 0, next_quota_check = 0;
    int quota_hit = 0, quota = quota_bytes || quota_inodes;
    if (quota) over_quota(&used_before);
    long long started = now_us();
    if (quota) next_quota_check = started + QUOTA_EVERY_US;
    pid_t pid = fork();
    if (pid < 0) { int e = errno; reply_error("exec: fork", e); free(argv); free(envp); return; }
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL);
        enter_call_domain();
        dup2(in[0], 0); dup2(out[1], 1); dup2(err[1], 2);
        if (chdir(cwd)) { int e = errno; (void) !write(status[1], &e, sizeof e); _exit(127); }
        extern char **environ;
        environ = envp;
        execvp(argv[0], argv);
        int e = errno;
        (void) !write(status[1], &e, sizeof e);
        _exit(127);
    }
    close(in[0]); close(out[1]); close(err[1]); close(status[1]);
    int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
    set_nonblock(in[1]); set_nonblock(out[0]); set_nonblock(err[0]);

    struct capture co = { .limit = limit }, ce = { .limit = limit };
    size_t in_off = 0;
    int in_open = 1, out_open = 1, err_open = 1, exited = 0, timed_out = 0, wstatus = 0;
    if (in_len == 0) { close(in[1]); in_open = 0; }
    long long deadline = timeout_ms > 0 ? started + timeout_ms * 1000LL : 0;
    long long drain_deadline = 0;
    while (out_open || err_open || !exited) {
        struct pollfd p[4];
        int n = 0, iout = -1, ierr = -1, iin = -1, ipid = -1;
        if (out_open) { iout = n; p[n].fd = out[0]; p[n].events = POLLIN; n++; }
        if (err_open) { ierr = n; p[n].fd = err[0]; p[n].events = POLLIN; n++; }
        if (in_open) { iin = n; p[n].fd = in[1]; p[n].events = POLLOUT; n++; }
        if (!exited && pidfd >= 0) { ipid = n; p[n].fd = pidfd; p[n].events = POLLIN; n++; }
        long long now = now_us();
        long long wait_until = drain_deadline ? drain_deadline : deadline;
        int wait_ms = 100;
        if (wait_until) {
            if (now >= wait_until) {
                if (drain_deadline) break;
                timed_out = 1;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                if (!exited) { waitpid(pid, &wstatus, 0); exited = 1; }
                if (!allow_background) kill_strays();
                deadline = 0;
                drain_deadline = now_us() + 200000;
                continue;
            }
            long long left = (wait_until - now + 999) / 1000;
            wait_ms = left < 100 ? (int) left : 100;
        }
        if (quota && !exited && wait_ms > 50) wait_ms = 50;
        int r = poll(p, (nfds_t) n, wait_ms);
        if (r < 0 && errno != EINTR) break;
        if (quota && !exited && now_us() >= next_quota_check) {
            /* Only a call that grows an over-quota workspace is ended: one that deletes files may finish. */
            if (over_quota(&used_now) && used_now > used_before) {
                quota_hit = 1;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
            }
            next_quota_check = now_us() + QUOTA_EVERY_US;
        }
        if (iout >= 0 && p[iout].revents) { if (drain(out[0], &co)) { close(out[0]); out_open = 0; } }
        if (ierr >= 0 && p[ierr].revents) { if (drain(err[0], &ce)) { close(err[0]); err_open = 0; } }
        if (iin >= 0 && p[iin].revents) {
            if (p[iin].revents & (POLLERR | POLLHUP)) { close(in[1]); in_open = 0; }
            else {
                ssize_t w = write(in[1], in_data + in_off, in_len - in_off);
                if (w > 0) in_off += (size_t) w;
                if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == in_len) { close(in[1]); in_open = 0; }
            }
        }
        if (!exited && (ipid >= 0 ? p[ipid].revents : 1)) {
            pid_t w = waitpid(pid, &wstatus, WNOHANG);
            if (w == pid) {
                exited = 1;
                /* The call is over: its process group goes with it, and so does anything that escaped the group. */
                if (!allow_background) { kill(-pid, SIGKILL); kill_strays(); }
                if (!drain_deadline) drain_deadline = now_us() + (allow_background ? 50000 : 1000000);
            }
        }
    }
    if (!exited) { kill(-pid, SIGKILL); kill(pid, SIGKILL); waitpid(pid, &wstatus, 0); }
    if (out_open) close(out[0]);
    if (err_open) close(err[0]);
    if (in_open) close(in[1]);
    if (pidfd >= 0) close(pidfd);
    long long elapsed = now_us() - started;

    int exec_errno = 0;
    if (read(status[0], &exec_errno, sizeof exec_errno) != (ssize_t) sizeof exec_errno) exec_errno = 0;
    close(status[0]);

    struct reply r = {0};
    reply_str(&r, "ok");
    reply_long(&r, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    reply_long(&r, WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
    reply_long(&r, timed_out);
    reply_long(&r, co.truncated);
    reply_long(&r, ce.truncated);
    reply_long(&r, exec_errno);
    reply_long(&r, elapsed);
    reply_field(&r, co.data.p ? co.data.p : "", co.data.len);
    reply_field(&r, ce.data.p ? ce.data.p : "", ce.data.len);
    reply_denials(&r);
    if (quota && !quota_hit && over_quota(&used_now) && used_now > used_before) quota_hit = 1;
    reply_long(&r, quota_hit);
    send_reply(&r);
    free(co.data.p); free(ce.data.p); free(argv); free(envp);
}

/* ---------- file tools (run here, inside the boundary) ---------- */

/* read PATH MAX_BYTES: regular files only; O_NONBLOCK so a planted FIFO cannot stall the supervisor. */
static void do_read(struct request *q) {
    if (q->count < 3) { reply_error("read: malformed request", EINVAL); return; }
    size_t max = (size_t) atoll(q->field[2]);
    int fd = open(q->field[1], O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) { reply_error("read", errno); return; }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { close(fd); reply_error("read: not a regular file", EINVAL); return; }
    struct buf b = {0};
    char tmp[65536];
    int truncated = 0;
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0) { if (errno == EINTR) continue; int e = errno; close(fd); free(b.p); reply_error("read", e); return; }
        if (n == 0) break;
        size_t room = max - b.len;
        if ((size_t) n > room) { buf_put(&b, tmp, room); truncated = 1; break; }
        buf_put(&b, tmp, (size_t) n);
    }
    close(fd);
    struct reply r = {0};
    reply_str(&r, "ok");
    reply_long(&r, truncated);
    reply_field(&r, b.p ? b.p : "", b.len);
    send_reply(&r);
    free(b.p);
}

/* write PATH DATA APPEND(0|1) */
static void do_write(struct request *q) {
    if (q->count < 4) { reply_error("write: malformed request", EINVAL); return; }
    int flags = O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (atoi(q->field[3]) ? O_APPEND : O_TRUNC);
    int fd = open(q->field[1], flags, 0644);
    if (fd < 0) { reply_error("write", errno); return; }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) { close(fd); reply_error("write: not a regular file", EINVAL); return; }
    if (write_all(fd, q->field[2], q->flen[2])) { int e = errno; close(fd); reply_error("write", e); return; }
    if (close(fd)) { reply_error("write: close", errno); return; }
    struct reply r = {0};
    reply_str(&r, "ok");
    send_reply(&r);
}

/*
 * The write tool with writable-on-grant directories: the supervisor's own domain may write there (so a later grant
 * can take effect), so the write runs in a child that enters the calls' domain first, like any command would.
 */
static void do_write_confined(struct request *q) {
    pid_t pid = fork();
    if (pid < 0) { reply_error("write: fork", errno); return; }
    if (pid == 0) { enter_call_domain(); do_write(q); _exit(0); }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) { }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) reply_error("write: confined writer died", EIO);
}

/* list PATH -> ok, then NAME TYPE SIZE triples (TYPE one of f d l o) */
static void do_list(struct request *q) {
    if (q->count < 2) { reply_error("list: malformed request", EINVAL); return; }
    int dfd = open(q->field[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) { reply_error("list", errno); return; }
    DIR *d = fdopendir(dfd);
    if (!d) { int e = errno; close(dfd); reply_error("list", e); return; }
    struct reply r = {0};
    reply_str(&r, "ok");
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(d)) != NULL && entries < 100000) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        struct stat st;
        const char *type = "o";
        long long size = 0;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            type = S_ISREG(st.st_mode) ? "f" : S_ISDIR(st.st_mode) ? "d" : S_ISLNK(st.st_mode) ? "l" : "o";
            size = st.st_size;
        }
        reply_str(&r, e->d_name);
        reply_str(&r, type);
        reply_long(&r, size);
        entries++;
    }
    closedir(d);
    send_reply(&r);
}

/* ---------- seccomp user notification: exact syscall denial events ---------- */

#define MAX_DENIALS 64
static pthread_mutex_t denial_lock = PTHREAD_MUTEX_INITIALIZER;
static char denials[MAX_DENIALS][64];
static int ndenials = 0;
static long dropped_denials = 0;

/* Answers every notification with an error: the notifying filter only ever matches denied syscalls. */
static void *notify_loop(void *arg) {
    int fd = (int) (long) arg;
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes)) return NULL;
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
    for (;;) {
        memset(req, 0, sizes.seccomp_notif);
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req)) {
            if (errno == EINTR || errno == ENOENT) continue;
            return NULL;
        }
        int nr = req->data.nr;
        long a0 = (long) req->data.args[0];
        int err = EPERM;
        if ((nr == 41 || nr == 53) && (a0 == 16 || a0 == 17 || a0 == 40)) err = EAFNOSUPPORT;
        /* Recorded before the answer: the denied call cannot return (and its call end) before its event exists. */
        pthread_mutex_lock(&denial_lock);
        if (ndenials < MAX_DENIALS) {
            snprintf(denials[ndenials++], sizeof denials[0], "%d %ld %ld %u", nr, a0, (long) req->data.args[1], req->pid);
        } else {
            dropped_denials++;
        }
        pthread_mutex_unlock(&denial_lock);
        memset(resp, 0, sizes.seccomp_notif_resp);
        resp->id = req->id;
        resp->error = -err;
        ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp);
    }
}

/* Installs the Java-generated notifying filter on ourselves (inherited by every call) and starts the answering thread. */
static int install_notify_filter(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    static char prog_buf[65536];
    ssize_t n = read(fd, prog_buf, sizeof prog_buf);
    close(fd);
    if (n <= 0 || n % 8) return -1;
    struct sock_fprog prog = { .len = (unsigned short) (n / 8), .filter = (struct sock_filter *) prog_buf };
    int listener = (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (listener < 0) return -1;
    fcntl(listener, F_SETFD, FD_CLOEXEC);
    pthread_t t;
    if (pthread_create(&t, NULL, notify_loop, (void *) (long) listener)) return -1;
    pthread_detach(t);
    return 0;
}

static void reply_denials(struct reply *r) {
    pthread_mutex_lock(&denial_lock);
    reply_long(r, ndenials);
    for (int i = 0; i < ndenials; i++) reply_str(r, denials[i]);
    reply_long(r, dropped_denials);
    ndenials = 0;
    dropped_denials = 0;
    pthread_mutex_unlock(&denial_lock);
}

/* ---------- egress bridge ---------- */

/*
 * The sandbox's only way out: 127.0.0.1:PORT inside the network namespace, relayed byte for byte to the egress
 * guard's Unix socket bind-mounted at GUARD_SOCKET. One process, poll-based, at most MAX_PAIRS connections; it
 * lives in the supervisor's Landlock domain, so calls (nested domains) cannot signal it.
 */
#define MAX_PAIRS 64
struct pair { int a, b; };

static void bridge_loop(int listener, const char *guard_path) {
    struct pair pairs[MAX_PAIRS];
    int npairs = 0;
    char buf[65536];
    for (;;) {
        struct pollfd p[1 + 2 * MAX_PAIRS];
        int n = 0;
        p[n].fd = npairs < MAX_PAIRS ? listener : -1; p[n].events = POLLIN; n++;
        for (int i = 0; i < npairs; i++) {
            p[n].fd = pairs[i].a; p[n].events = POLLIN; n++;
            p[n].fd = pairs[i].b; p[n].events = POLLIN; n++;
        }
        if (poll(p, (nfds_t) n, -1) < 0) { if (errno == EINTR) continue; _exit(1); }
        /* Only pairs that were polled have revents; a pair accepted just now must wait for the next round (reading
         * it now would block the whole bridge on a socket with nothing to read). */
        int polled = npairs;
        if (p[0].revents & POLLIN) {
            int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
            if (c >= 0) {
                int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                struct sockaddr_un sa = { .sun_family = AF_UNIX };
                strncpy(sa.sun_path, guard_path, sizeof sa.sun_path - 1);
                if (u < 0 || connect(u, (struct sockaddr *) &sa, sizeof sa)) { close(c); if (u >= 0) close(u); }
                else { pairs[npairs].a = c; pairs[npairs].b = u; npairs++; }
            }
        }
        for (int i = 0, k = 1; i < polled; i++, k += 2) {
            int dead = 0;
            for (int side = 0; side < 2 && !dead; side++) {
                short ev = p[k + side].revents;
                if (!ev) continue;
                int from = side ? pairs[i].b : pairs[i].a, to = side ? pairs[i].a : pairs[i].b;
                ssize_t r = read(from, buf, sizeof buf);
                if (r <= 0 || write_all(to, buf, (size_t) r)) dead = 1;
            }
            if (dead) {
                close(pairs[i].a); close(pairs[i].b);
                pairs[i] = pairs[npairs - 1];
                npairs--;
                /* the pollfd indices no longer match; finish this round and poll again */
                break;
            }
        }
    }
}

static int start_bridge(int port, const char *guard_path) {
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (l < 0 || bind(l, (struct sockaddr *) &sa, sizeof sa) || listen(l, 64)) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) { close(0); close(1); bridge_loop(l, guard_path); _exit(0); }
    close(l);
    bridge_pid = pid;
    return 0;
}

/* ---------- modes ---------- */

static int serve(int argc, char **argv) {
    /* Non-dumpable: sandboxed processes with our uid cannot ptrace us or open /proc/<us>/fd to forge replies. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
        reply_error("prctl", errno);
        return 1;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    int first = 2, bridge_port = 0;
    const char *guard_path = NULL, *notify_path = NULL;
    if (argc > first + 1 && !strcmp(argv[first], "--notify")) {
        notify_path = argv[first + 1];
        first += 2;
    }
    if (argc > first + 2 && !strcmp(argv[first], "--bridge")) {
        bridge_port = atoi(argv[first + 1]);
        guard_path = argv[first + 2];
        first += 3;
    }
    if (argc > first + 2 && !strcmp(argv[first], "--quota")) {
        quota_bytes = atoll(argv[first + 1]);
        quota_inodes = atoll(argv[first + 2]);
        first += 3;
    }
    if (argc > first + 1 && !strcmp(argv[first], "--grantable")) {
        n_grantable = atoi(argv[first + 1]);
        if (n_grantable < 0 || first + 2 + n_grantable > argc) { reply_error("serve: bad --grantable", EINVAL); return 1; }
        grantable = argv + first + 2;
        first += 2 + n_grantable;
    }
    always_writable = argv + first;
    n_always_writable = argc - first - n_grantable;
    int notify_ok = notify_path ? install_notify_filter(notify_path) == 0 : 1;
    /* The supervisor's own domain: the always-writable directories and (last on the command line) the grantable ones. */
    int ll = landlock_filesystem(argc - first, argv + first);
    if (ll == 0 && build_call_ruleset(0, NULL)) { ll = -1; landlock_error = "cannot build the calls' landlock ruleset"; }
    /* Started after Landlock, so the bridge is confined like the supervisor and outside every call's domain. */
    int bridge_ok = guard_path ? start_bridge(bridge_port, guard_path) == 0 : 1;
    struct reply hello = {0};
    reply_str(&hello, "ok");
    reply_str(&hello, "airlock-sandboxd/1");
    reply_long(&hello, ll == 0 ? landlock_abi : 0);
    reply_str(&hello, ll == 0 ? "" : landlock_error);
    reply_long(&hello, getuid());
    reply_long(&hello, bridge_ok);
    reply_long(&hello, notify_ok);
    send_reply(&hello);

    for (;;) {
        struct request q = {0};
        if (read_request(&q)) { kill_strays(); return 0; }
        const char *verb = q.field[0];
        if (!strcmp(verb, "exec")) do_exec(&q);
        else if (!strcmp(verb, "read")) do_read(&q);
        else if (!strcmp(verb, "write")) { if (n_grantable) do_write_confined(&q); else do_write(&q); }
        else if (!strcmp(verb, "grants")) do_grants(&q);
        else if (!strcmp(verb, "list")) do_list(&q);
        else if (!strcmp(verb, "background")) {
            allow_background = atoi(q.field[q.count > 1 ? 1 : 0]);
            struct reply r = {0}; reply_str(&r, "ok"); send_reply(&r);
        } else if (!strcmp(verb, "quit")) { kill_strays(); free_request(&q); struct reply r = {0}; reply_str(&r, "ok"); send_reply(&r); return 0; }
        else reply_error("unknown verb", EINVAL);
        free_request(&q);
    }
}

static int launch(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "airlock-sandboxd launch: usage\n"); return 2; }
    const char *seccomp_file = argv[2];
    int ncg = atoi(argv[3]);
    int i = 4;
    for (int k = 0; k < ncg; k++, i++) {
        int fd = open(argv[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0\n", 2) != 2) {
            fprintf(stderr, "airlock: cannot join cgroup %s: %s\n", argv[i], strerror(errno));
            return 3;
        }
        close(fd);
    }
    if (i >= argc || strcmp(argv[i], "--")) { fprintf(stderr, "airlock-sandboxd launch: missing --\n"); return 2; }
    i++;
    int sfd = open(seccomp_file, O_RDONLY); /* inherited by bwrap on purpose */
    if (sfd < 0) { fprintf(stderr, "airlock: cannot open seccomp program: %s\n", strerror(errno)); return 3; }
    unlink(seccomp_file);
    char fdnum[16];
    snprintf(fdnum, sizeof fdnum, "%d", sfd);
    for (int k = i; k < argc; k++) if (!strcmp(argv[k], "@SECCOMP_FD@")) argv[k] = fdnum;
    execv(argv[i], argv + i);
    fprintf(stderr, "airlock: cannot exec %s: %s\n", argv[i], strerror(errno));
    return 3;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "serve")) return serve(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "launch")) return launch(argc, argv);
    fprintf(stderr, "usage: airlock-sandboxd serve|launch ...\n");
    return 2;
}
