// Egress guard benchmark: requests/s, added latency and CPU per request for JSON POSTs through the guard,
// mitmproxy and direct, plus guard memory under 1000 concurrent keep-alive connections. Run by run.sh; single-file
// source program, JDK only. Every contender is warmed up before it is measured.
import java.io.*;
import java.net.*;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class GuardBench {
    record Target(String name, int port, boolean proxied, long pid) {}
    record Result(double p50, double p99, double rps, double cpuMicrosPerRequest) {}

    static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    public static void main(String[] a) throws Exception {
        int guardPort = Integer.parseInt(a[0]);
        int mitmPort = Integer.parseInt(a[1]);          // 0 = skip
        int upstreamPort = Integer.parseInt(a[2]);
        String token = a[3];
        long guardPid = Long.parseLong(a[4]);
        long mitmPid = Long.parseLong(a[5]);
        long upstreamPid = Long.parseLong(a[6]);
        double seconds = Double.parseDouble(a[7]);
        int conns = 8;
        List<Target> targets = new ArrayList<>(List.of(new Target("direct", upstreamPort, false, upstreamPid),
                new Target("airlock", guardPort, true, guardPid)));
        if (mitmPort > 0) targets.add(new Target("mitmproxy", mitmPort, true, mitmPid));
        String auth = "Basic " + Base64.getEncoder().encodeToString(("s1:" + token).getBytes(StandardCharsets.UTF_8));
        // Warm-up on every size first, so no measurement pays for JIT compilation or pool growth.
        for (int size : new int[] {1024, 16 * 1024}) {
            for (Target t : targets) {
                throughput(t, upstreamPort, auth, json(size), conns, Math.max(2, seconds));
                latency(t, upstreamPort, auth, json(size), 500);
            }
        }
        for (int size : new int[] {1024, 16 * 1024}) {
            byte[] body = json(size);
            Map<String, Result> results = new LinkedHashMap<>();
            for (Target t : targets) {
                double[] lat = latency(t, upstreamPort, auth, body, (int) Math.max(1000, 1500 * seconds / 3));
                long[] cpu0 = cpuTicks(t.pid());
                long[] self0 = cpuTicks(ProcessHandle.current().pid());
                long[] up0 = cpuTicks(upstreamPid);
                long[] done = new long[1];
                double rps = throughput(t, upstreamPort, auth, body, conns, seconds, done);
                long[] cpu1 = cpuTicks(t.pid());
                long[] self1 = cpuTicks(ProcessHandle.current().pid());
                long[] up1 = cpuTicks(upstreamPid);
                double userUs = (cpu1[0] - cpu0[0]) * 1e6 / CLOCK_TICKS / done[0];
                double sysUs = (cpu1[1] - cpu0[1]) * 1e6 / CLOCK_TICKS / done[0];
                // The load generator and the upstream share the 2 cores with the contender: their cost per request
                // says how much of the machine is left for it (the client's includes its latency sampling, none here).
                double clientUs = (self1[0] + self1[1] - self0[0] - self0[1]) * 1e6 / CLOCK_TICKS / done[0];
                double upstreamUs = (up1[0] + up1[1] - up0[0] - up0[1]) * 1e6 / CLOCK_TICKS / done[0];
                results.put(t.name(), new Result(lat[0], lat[1], rps, userUs + sysUs));
                System.out.printf(Locale.ROOT, "RESULT size=%d target=%s p50_ms=%.3f p99_ms=%.3f rps=%.0f cpu_us_per_req=%.1f"
                                + " (user %.1f, sys %.1f)%s client_cpu_us_per_req=%.1f upstream_cpu_us_per_req=%.1f%n",
                        size, t.name(), lat[0], lat[1], rps, userUs + sysUs, userUs, sysUs,
                        t.name().equals("direct") ? " upstream process" : "", clientUs, upstreamUs);
            }
            Result d = results.get("direct"), g = results.get("airlock"), m = results.get("mitmproxy");
            System.out.printf(Locale.ROOT, "SUMMARY size=%d guard_added_p50_ms=%.3f guard_added_p99_ms=%.3f guard_cpu_us_per_req=%.1f%n",
                    size, g.p50() - d.p50(), g.p99() - d.p99(), g.cpuMicrosPerRequest());
            if (m != null) {
                System.out.printf(Locale.ROOT, "SUMMARY size=%d rps_ratio_guard_over_mitmproxy=%.1f cpu_ratio_mitmproxy_over_guard=%.1f"
                                + " mitmproxy_added_p50_ms=%.3f mitmproxy_added_p99_ms=%.3f mitmproxy_cpu_us_per_req=%.1f%n",
                        size, g.rps() / m.rps(), m.cpuMicrosPerRequest() / g.cpuMicrosPerRequest(),
                        m.p50() - d.p50(), m.p99() - d.p99(), m.cpuMicrosPerRequest());
            }
        }
        memory(guardPort, upstreamPort, auth, guardPid, 1000, seconds);
        System.out.println("load average: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }

    static byte[] json(int size) {
        StringBuilder sb = new StringBuilder("{\"model\":\"bench\",\"messages\":[");
        int i = 0;
        while (sb.length() < size - 64) {
            sb.append(i++ == 0 ? "" : ",").append("{\"role\":\"user\",\"content\":\"lorem ipsum dolor sit amet ").append(i).append("\"}");
        }
        sb.append("]}");
        while (sb.length() < size) sb.insert(sb.length() - 2, ' ');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {utime, stime} of a process, in clock ticks (all its threads). */
    static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static final class Conn implements Closeable {
        final Socket s; final OutputStream out; final InputStream in;
        final byte[] head; final byte[] buf = new byte[64 * 1024];
        int pos, lim;

        Conn(Target t, int upstreamPort, String auth, int bodyLength) throws IOException {
            s = new Socket(); s.setTcpNoDelay(true); s.connect(new InetSocketAddress("127.0.0.1", t.port())); s.setSoTimeout(20000);
            out = s.getOutputStream(); in = s.getInputStream();
            head = head(t, upstreamPort, auth, bodyLength);
        }

        static byte[] head(Target t, int upstreamPort, String auth, int bodyLength) {
            String target = t.proxied() ? "http://localhost:" + upstreamPort + "/v1/messages" : "/v1/messages";
            return ("POST " + target + " HTTP/1.1\r\nHost: localhost:" + upstreamPort + "\r\n"
                    + (t.proxied() ? "Proxy-Authorization: " + auth + "\r\n" : "")
                    + "Content-Type: application/json\r\nContent-Length: " + bodyLength + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }

        /** One request, one response (status 200 and Content-Length required); the request is one write. */
        void post(byte[] body, byte[] scratch) throws IOException {
            System.arraycopy(head, 0, scratch, 0, head.length);
            System.arraycopy(body, 0, scratch, head.length, body.length);
            out.write(scratch, 0, head.length + body.length);
            int status = -1; long length = -1; boolean first = true;
            while (true) {
                int start = pos, end;
                while ((end = indexOf('\n', start)) < 0) { compactAndFill(start); start = 0; }
                int lineEnd = end > pos && buf[end - 1] == '\r' ? end - 1 : end;
                int n = lineEnd - pos;
                if (n == 0) { pos = end + 1; break; }
                String line = new String(buf, pos, n, StandardCharsets.ISO_8859_1);
                pos = end + 1;
                if (first) { status = Integer.parseInt(line.substring(9, 12)); first = false; }
                else if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Long.parseLong(line.substring(15).trim());
            }
            if (status != 200) throw new IOException("answered " + status);
            if (length < 0) throw new IOException("no content-length");
            while (length > 0) {
                if (pos == lim) { pos = 0; lim = 0; fill(); }
                int k = (int) Math.min(length, lim - pos); pos += k; length -= k;
            }
        }

        int indexOf(char c, int from) { for (int i = from; i < lim; i++) if (buf[i] == c) return i; return -1; }
        void compactAndFill(int start) throws IOException {
            int keep = lim - pos; System.arraycopy(buf, pos, buf, 0, keep); pos = 0; lim = keep; fill();
        }
        void fill() throws IOException { int n = in.read(buf, lim, buf.length - lim); if (n < 0) throw new EOFException(); lim += n; }
        public void close() throws IOException { s.close(); }
    }

    static double[] latency(Target t, int up, String auth, byte[] body, int n) throws IOException {
        long[] ns = new long[n];
        byte[] scratch = new byte[body.length + 1024];
        try (Conn c = new Conn(t, up, auth, body.length)) {
            for (int i = 0; i < n; i++) { long s0 = System.nanoTime(); c.post(body, scratch); ns[i] = System.nanoTime() - s0; }
        }
        Arrays.sort(ns);
        return new double[] {ns[n / 2] / 1e6, ns[(int) (n * 0.99)] / 1e6};
    }

    static double throughput(Target t, int up, String auth, byte[] body, int conns, double seconds) throws Exception {
        return throughput(t, up, auth, body, conns, seconds, new long[1]);
    }

    static double throughput(Target t, int up, String auth, byte[] body, int conns, double seconds, long[] count) throws Exception {
        return System.getenv().getOrDefault("BENCH_CLIENT", "selector").equals("threads")
                ? threadsThroughput(t, up, auth, body, conns, seconds, count)
                : SelectorLoad.run(t, up, auth, body, conns, seconds, count);
    }

    /** The earlier load generator, one blocking thread per connection (BENCH_CLIENT=threads), kept for comparison. */
    static double threadsThroughput(Target t, int up, String auth, byte[] body, int conns, double seconds, long[] count) throws Exception {
        AtomicLong done = new AtomicLong(); AtomicBoolean stop = new AtomicBoolean();
        ExecutorService ex = Executors.newFixedThreadPool(conns);
        List<Future<?>> fs = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(conns);
        for (int i = 0; i < conns; i++) fs.add(ex.submit(() -> {
            byte[] scratch = new byte[body.length + 1024];
            try (Conn c = new Conn(t, up, auth, body.length)) {
                c.post(body, scratch); ready.countDown();
                while (!stop.get()) { c.post(body, scratch); done.incrementAndGet(); }
            }
            return null;
        }));
        ready.await();
        long s0 = System.nanoTime(); long d0 = done.get();
        Thread.sleep((long) (seconds * 1000)); stop.set(true);
        for (Future<?> f : fs) f.get();
        ex.shutdown();
        count[0] = done.get() - d0;
        return count[0] / ((System.nanoTime() - s0) / 1e9);
    }

    /**
     * The throughput load generator: wrk-like, one thread and one selector drive all connections, each keep-alive and
     * one request at a time (no pipelining), the next request written as soon as the previous response is complete.
     * On a 2-core machine the load generator competes with what it measures; one thread woken once for many ready
     * connections costs about half the CPU per request of a blocking thread per connection.
     */
    static final class SelectorLoad {
        static final class Slot {
            final SocketChannel ch; final java.nio.ByteBuffer out; final java.nio.ByteBuffer in = java.nio.ByteBuffer.allocateDirect(64 * 1024);
            long bodyLeft = -1; // -1: reading the response head
            Slot(SocketChannel ch, java.nio.ByteBuffer out) { this.ch = ch; this.out = out; }
        }

        static double run(Target t, int up, String auth, byte[] body, int conns, double seconds, long[] count) throws IOException {
            byte[] head = Conn.head(t, up, auth, body.length); // the same request bytes as the blocking client sends
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            long done = 0, counted = 0, s0 = 0, deadline = Long.MAX_VALUE;
            boolean measuring = false;
            List<Slot> slots = new ArrayList<>();
            try (Selector sel = Selector.open()) {
                for (int i = 0; i < conns; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", t.port()));
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.configureBlocking(false);
                    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocateDirect(request.length).put(request).flip();
                    Slot s = new Slot(ch, out);
                    slots.add(s);
                    send(s, sel);
                }
                long warm = conns; // every connection's first exchange (connection set-up) is not counted
                while (true) {
                    if (sel.select(20000) == 0) throw new IOException(t.name() + ": no response for 20 s");
                    for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next(); it.remove();
                        Slot s = (Slot) k.attachment();
                        if (k.isWritable()) { send(s, sel); continue; }
                        if (!receive(s, t)) continue;
                        if (warm > 0 && --warm == 0) { measuring = true; s0 = System.nanoTime(); deadline = s0 + (long) (seconds * 1e9); }
                        else if (measuring) done++;
                        send(s, sel);
                    }
                    if (measuring && System.nanoTime() >= deadline) break;
                }
                count[0] = done;
                return done / ((System.nanoTime() - s0) / 1e9);
            } finally {
                for (Slot s : slots) s.ch.close();
            }
        }

        /** Writes (the rest of) the request; waits for writability only when the socket buffer is full. */
        static void send(Slot s, Selector sel) throws IOException {
            s.ch.write(s.out);
            if (s.out.hasRemaining()) { s.ch.register(sel, SelectionKey.OP_WRITE, s); return; }
            s.out.rewind();
            s.ch.register(sel, SelectionKey.OP_READ, s);
        }

        /** Reads what is there; true once a whole response (status 200, Content-Length body) has arrived. */
        static boolean receive(Slot s, Target t) throws IOException {
            java.nio.ByteBuffer in = s.in;
            if (s.ch.read(in) < 0) throw new EOFException(t.name() + " closed the connection");
            in.flip();
            if (s.bodyLeft < 0) {
                int end = headEnd(in);
                if (end < 0) { in.compact(); return false; }
                long length = -1; int status = -1;
                int lineStart = in.position();
                for (int i = in.position(); i < end; i++) {
                    if (in.get(i) != '\n') continue;
                    String line = latin1(in, lineStart, i).trim();
                    if (status < 0) status = Integer.parseInt(line.substring(9, 12));
                    else if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Long.parseLong(line.substring(15).trim());
                    lineStart = i + 1;
                }
                if (status != 200) throw new IOException(t.name() + " answered " + status);
                if (length < 0) throw new IOException(t.name() + ": no content-length");
                in.position(end);
                s.bodyLeft = length;
            }
            int k = (int) Math.min(s.bodyLeft, in.remaining());
            in.position(in.position() + k);
            s.bodyLeft -= k;
            in.compact();
            if (s.bodyLeft > 0) return false;
            if (in.position() != 0) throw new IOException(t.name() + " sent bytes after the response");
            s.bodyLeft = -1;
            return true;
        }

        /** Position just after the blank line ending the head, or -1. */
        static int headEnd(java.nio.ByteBuffer b) {
            for (int i = b.position() + 3; i < b.limit(); i++) {
                if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') return i + 1;
            }
            return -1;
        }

        static String latin1(java.nio.ByteBuffer b, int from, int to) {
            byte[] a = new byte[to - from];
            b.get(from, a);
            return new String(a, StandardCharsets.ISO_8859_1);
        }
    }

    static long statusKb(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status")))
            if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    /** 1000 keep-alive connections held open; first all idle, then all of them sending requests round-robin. */
    static void memory(int guardPort, int up, String auth, long pid, int n, double seconds) throws Exception {
        Target t = new Target("airlock", guardPort, true, pid);
        byte[] body = json(1024);
        long before = statusKb(pid, "VmRSS");
        List<Conn> conns = new ArrayList<>();
        byte[] scratch = new byte[body.length + 1024];
        try {
            for (int i = 0; i < n; i++) { Conn c = new Conn(t, up, auth, body.length); c.post(body, scratch); conns.add(c); }
            Thread.sleep(500);
            long idle = statusKb(pid, "VmRSS");
            int threads = 8;
            AtomicBoolean stop = new AtomicBoolean(); AtomicLong done = new AtomicLong();
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int first = k;
                fs.add(ex.submit(() -> {
                    byte[] s = new byte[body.length + 1024];
                    while (!stop.get()) for (int i = first; i < conns.size() && !stop.get(); i += threads) { conns.get(i).post(body, s); done.incrementAndGet(); }
                    return null;
                }));
            }
            Thread.sleep((long) (seconds * 1000));
            long active = statusKb(pid, "VmRSS");
            stop.set(true);
            for (Future<?> f : fs) f.get();
            ex.shutdown();
            System.out.printf(Locale.ROOT, "RESULT memory connections=%d rss_before_mb=%.1f rss_1000_idle_mb=%.1f rss_1000_active_mb=%.1f"
                            + " peak_rss_mb=%.1f per_idle_conn_kb=%.1f active_requests=%d%n",
                    conns.size(), before / 1024.0, idle / 1024.0, active / 1024.0, statusKb(pid, "VmHWM") / 1024.0,
                    (idle - before) / (double) n, done.get());
        } finally {
            for (Conn c : conns) c.close();
        }
    }
}
