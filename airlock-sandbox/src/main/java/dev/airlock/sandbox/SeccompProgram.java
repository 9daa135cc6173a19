package dev.airlock.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session's seccomp filter as raw classic-BPF bytes ({@code struct sock_filter[]}), handed to bubblewrap with
 * {@code --seccomp FD}. x86_64 only: any other audit arch (i386 via {@code int 0x80}) and the x32 ABI (syscall
 * number bit {@code 0x40000000}) kill the process; the deny list returns {@code EPERM}, {@code clone3} returns
 * {@code ENOSYS} so libc falls back to {@code clone}, whose namespace flags can then be inspected.
 *
 * <p>Why EPERM instead of killing: build tools probe optional syscalls (io_uring, personality, perf) and carry on
 * when refused; killing them would turn a harmless probe into a broken build.
 */
public final class SeccompProgram {
    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;

    static final int SECCOMP_RET_KILL_PROCESS = 0x80000000;
    static final int SECCOMP_RET_ERRNO = 0x00050000;
    static final int SECCOMP_RET_ALLOW = 0x7FFF0000;
    static final int EPERM = 1;
    static final int ENOSYS = 38;
    static final int EAFNOSUPPORT = 97;

    // classic BPF opcodes
    private static final short LD_W_ABS = 0x20;
    private static final short JEQ_K = 0x15;
    private static final short JGE_K = 0x35;
    private static final short JSET_K = 0x45;
    private static final short AND_K = 0x54;
    private static final short RET_K = 0x06;

    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;

    private static int argLow(int i) {
        return 16 + 8 * i;
    }

    /** Syscalls refused outright, by x86_64 number; the names are what denial events and docs show. */
    static final Map<String, Integer> DENIED = denied();

    /** Namespace flags in {@code clone}'s first argument. */
    static final int CLONE_NS_FLAGS = 0x00020000 /* NEWNS */ | 0x02000000 /* NEWCGROUP */ | 0x04000000 /* NEWUTS */
            | 0x08000000 /* NEWIPC */ | 0x10000000 /* NEWUSER */ | 0x20000000 /* NEWPID */ | 0x40000000 /* NEWNET */
            | 0x00000080 /* NEWTIME */;

    static final int NR_CLONE = 56;
    static final int NR_CLONE3 = 435;
    static final int NR_SOCKET = 41;
    static final int NR_SOCKETPAIR = 53;
    static final int NR_IOCTL = 16;
    static final int NR_PERSONALITY = 135;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int AF_VSOCK = 40;
    static final int SOCK_RAW = 3;
    static final int SOCK_TYPE_MASK = 0xF;
    static final int TIOCSTI = 0x5412;
    static final int NR_CHMOD = 90;
    static final int NR_FCHMOD = 91;
    static final int NR_FCHMODAT = 268;
    static final int NR_FCHMODAT2 = 452;
    static final int S_ISUID_ISGID = 06000;
    static final int NR_OPEN = 2;
    static final int NR_CREAT = 85;
    static final int NR_OPENAT = 257;
    static final int NR_OPENAT2 = 437;
    static final int NR_MKDIR = 83;
    static final int NR_MKDIRAT = 258;
    static final int TIOCLINUX = 0x541C;

    private static Map<String, Integer> denied() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("ptrace", 101);
        m.put("process_vm_readv", 310);
        m.put("process_vm_writev", 311);
        m.put("bpf", 321);
        m.put("perf_event_open", 298);
        m.put("userfaultfd", 323);
        m.put("keyctl", 250);
        m.put("add_key", 248);
        m.put("request_key", 249);
        m.put("mount", 165);
        m.put("umount2", 166);
        m.put("pivot_root", 155);
        m.put("chroot", 161);
        m.put("open_tree", 428);
        m.put("move_mount", 429);
        m.put("fsopen", 430);
        m.put("fsconfig", 431);
        m.put("fsmount", 432);
        m.put("fspick", 433);
        m.put("mount_setattr", 442);
        m.put("unshare", 272);
        m.put("setns", 308);
        m.put("kexec_load", 246);
        m.put("kexec_file_load", 320);
        m.put("init_module", 175);
        m.put("finit_module", 313);
        m.put("delete_module", 176);
        m.put("io_uring_setup", 425);
        m.put("io_uring_enter", 426);
        m.put("io_uring_register", 427);
        m.put("open_by_handle_at", 304);
        m.put("name_to_handle_at", 303);
        m.put("acct", 163);
        m.put("swapon", 167);
        m.put("swapoff", 168);
        m.put("reboot", 169);
        m.put("syslog", 103);
        m.put("quotactl", 179);
        m.put("quotactl_fd", 443);
        m.put("iopl", 172);
        m.put("ioperm", 173);
        m.put("uselib", 134);
        m.put("settimeofday", 164);
        m.put("clock_settime", 227);
        m.put("adjtimex", 159);
        m.put("clock_adjtime", 305);
        m.put("fanotify_init", 300);
        m.put("lookup_dcookie", 212);
        m.put("vhangup", 153);
        return Map.copyOf(m);
    }

    /** Name of a denied syscall number, for denial events; {@code null} when the number is not on the list. */
    public static String nameOf(int nr) {
        for (Map.Entry<String, Integer> e : DENIED.entrySet()) {
            if (e.getValue() == nr) {
                return e.getKey();
            }
        }
        return null;
    }

    private final List<long[]> insns = new ArrayList<>();

    static final int SECCOMP_RET_USER_NOTIF = 0x7FC00000;

    /** What a matching rule returns: the errno directly, or a user notification the supervisor answers with it. */
    private final boolean notify;

    private SeccompProgram(boolean notify) {
        this.notify = notify;
    }

    /** The full filter with every denial as {@code ERRNO}: for bwrap's {@code --seccomp} when notification is off. */
    public static byte[] build() {
        return new SeccompProgram(false).assemble();
    }

    /**
     * The full filter with every denial as {@code USER_NOTIF}: installed by the supervisor, which answers each
     * notification with the rule's errno and records a denial event. If the supervisor is gone the kernel answers
     * ENOSYS, so the syscall stays denied.
     */
    public static byte[] buildNotifying() {
        return new SeccompProgram(true).assemble();
    }

    /** Only the ABI checks (foreign arch, x32 → kill): bwrap's filter when the supervisor installs the notifying one. */
    public static byte[] baseline() {
        SeccompProgram p = new SeccompProgram(false);
        p.stmt(LD_W_ABS, OFF_ARCH);
        p.jump(JEQ_K, AUDIT_ARCH_X86_64, 1, 0);
        p.stmt(RET_K, SECCOMP_RET_KILL_PROCESS);
        p.stmt(LD_W_ABS, OFF_NR);
        p.jump(JGE_K, X32_SYSCALL_BIT, 0, 1);
        p.stmt(RET_K, SECCOMP_RET_KILL_PROCESS);
        p.stmt(RET_K, SECCOMP_RET_ALLOW);
        return p.bytes();
    }

    private int deny(int errno) {
        return notify ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ERRNO | errno;
    }

    private void stmt(short code, int k) {
        insns.add(new long[]{code, 0, 0, k});
    }

    private void jump(short code, int k, int jt, int jf) {
        insns.add(new long[]{code, jt, jf, k});
    }

    private byte[] assemble() {
        // Architecture: anything but x86_64 (i386 through int 0x80) dies.
        stmt(LD_W_ABS, OFF_ARCH);
        jump(JEQ_K, AUDIT_ARCH_X86_64, 1, 0);
        stmt(RET_K, SECCOMP_RET_KILL_PROCESS);
        stmt(LD_W_ABS, OFF_NR);
        // x32 ABI: same arch value, numbers with bit 30 set.
        jump(JGE_K, X32_SYSCALL_BIT, 0, 1);
        stmt(RET_K, SECCOMP_RET_KILL_PROCESS);
        for (int nr : DENIED.values().stream().sorted().toList()) {
            jump(JEQ_K, nr, 0, 1);
            stmt(RET_K, deny(EPERM));
        }
        jump(JEQ_K, NR_CLONE3, 0, 1);
        stmt(RET_K, SECCOMP_RET_ERRNO | ENOSYS);
        // clone(flags, ...): refuse namespace flags.
        jump(JEQ_K, NR_CLONE, 0, 4);
        stmt(LD_W_ABS, argLow(0));
        jump(JSET_K, CLONE_NS_FLAGS, 0, 1);
        stmt(RET_K, deny(EPERM));
        stmt(RET_K, SECCOMP_RET_ALLOW);
        // socket/socketpair(domain, type, protocol); offsets are relative (target = next + offset).
        jump(JEQ_K, NR_SOCKET, 1, 0);
        jump(JEQ_K, NR_SOCKETPAIR, 0, 12);
        stmt(LD_W_ABS, argLow(0));
        jump(JEQ_K, AF_PACKET, 4, 0);
        jump(JEQ_K, AF_VSOCK, 3, 0);
        jump(JEQ_K, AF_NETLINK, 0, 3);
        // AF_NETLINK: only NETLINK_ROUTE (protocol 0), which getaddrinfo/getifaddrs use on this netns' loopback.
        stmt(LD_W_ABS, argLow(2));
        jump(JEQ_K, 0, 5, 0);
        stmt(RET_K, deny(EAFNOSUPPORT));
        stmt(LD_W_ABS, argLow(1));
        stmt(AND_K, SOCK_TYPE_MASK);
        jump(JEQ_K, SOCK_RAW, 0, 1);
        stmt(RET_K, deny(EPERM));
        stmt(RET_K, SECCOMP_RET_ALLOW);
        // chmod family: no setuid/setgid bits. Workspace files belong to the host user who started the session,
        // so a setuid file made here would be a setuid file of that user on the host.
        int[][] modeArgs = {{NR_CHMOD, 1}, {NR_FCHMOD, 1}, {NR_FCHMODAT, 2}, {NR_FCHMODAT2, 2}, {NR_OPEN, 2},
                {NR_CREAT, 1}, {NR_OPENAT, 3}, {NR_MKDIR, 1}, {NR_MKDIRAT, 2}};
        for (int[] m : modeArgs) {
            stmt(LD_W_ABS, OFF_NR);
            jump(JEQ_K, m[0], 0, 3);
            stmt(LD_W_ABS, argLow(m[1]));
            jump(JSET_K, S_ISUID_ISGID, 0, 1);
            stmt(RET_K, deny(EPERM));
        }
        // openat2 hides its mode in a struct seccomp cannot read: ENOSYS makes callers fall back to openat.
        stmt(LD_W_ABS, OFF_NR);
        jump(JEQ_K, NR_OPENAT2, 0, 1);
        stmt(RET_K, SECCOMP_RET_ERRNO | ENOSYS);
        // ioctl(fd, TIOCSTI / TIOCLINUX): no typing into someone else's terminal.
        stmt(LD_W_ABS, OFF_NR);
        jump(JEQ_K, NR_IOCTL, 0, 4);
        stmt(LD_W_ABS, argLow(1));
        jump(JEQ_K, TIOCSTI, 1, 0);
        jump(JEQ_K, TIOCLINUX, 0, 1);
        stmt(RET_K, deny(EPERM));
        // personality: only the query (0xffffffff) and PER_LINUX (0); no ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC.
        stmt(LD_W_ABS, OFF_NR);
        jump(JEQ_K, NR_PERSONALITY, 0, 4);
        stmt(LD_W_ABS, argLow(0));
        jump(JEQ_K, 0, 2, 0);
        jump(JEQ_K, 0xFFFFFFFF, 1, 0);
        stmt(RET_K, deny(EPERM));
        stmt(RET_K, SECCOMP_RET_ALLOW);

        return bytes();
    }

    private byte[] bytes() {
        ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] i : insns) {
            out.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt((int) i[3]);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(out.array());
        return bytes.toByteArray();
    }
}
