// Egress guard benchmark: requests/s and added latency for JSON POSTs through the guard, mitmproxy and direct,
// plus guard memory under many idle keep-alive connections. Run by run.sh; single-file source program, JDK only.
import com.sun.net.httpserver.HttpServer;
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class GuardBench {
    record Target(String name, int port, boolean proxied) {}

    public static void main(String[] a) throws Exception {
        int guardPort = Integer.parseInt(a[0]);
        int mitmPort = Integer.parseInt(a[1]);          // 0 = skip
        int upstreamPort = Integer.parseInt(a[2]);
        String token = a[3];
        long guardPid = Long.parseLong(a[4]);
        double seconds = Double.parseDouble(a[5]);
        List<Target> targets = new ArrayList<>(List.of(new Target("direct", upstreamPort, false),
                new Target("airlock", guardPort, true)));
        if (mitmPort > 0) targets.add(new Target("mitmproxy", mitmPort, true));
        String auth = "Basic " + Base64.getEncoder().encodeToString(("s1:" + token).getBytes(StandardCharsets.UTF_8));
        for (int size : new int[] {1024, 16 * 1024}) {
            byte[] body = json(size);
            for (Target t : targets) {
                latency(t, upstreamPort, auth, body, 200); // warm-up
                double[] lat = latency(t, upstreamPort, auth, body, (int) (1500 * seconds / 3));
                double rps = throughput(t, upstreamPort, auth, body, 8, seconds);
                System.out.printf(Locale.ROOT, "RESULT size=%d target=%s p50_ms=%.3f p99_ms=%.3f rps=%.0f%n",
                        size, t.name(), lat[0], lat[1], rps);
            }
        }
        memory(guardPort, upstreamPort, auth, guardPid, 1000);
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

    static final class Conn implements Closeable {
        final Socket s; final OutputStream out; final BufferedInputStream in;
        Conn(int port) throws IOException {
            s = new Socket(); s.setTcpNoDelay(true); s.connect(new InetSocketAddress("127.0.0.1", port)); s.setSoTimeout(10000);
            out = new BufferedOutputStream(s.getOutputStream(), 32 * 1024); in = new BufferedInputStream(s.getInputStream(), 32 * 1024);
        }
        void post(Target t, int upstreamPort, String auth, byte[] body) throws IOException {
            String target = t.proxied() ? "http://localhost:" + upstreamPort + "/v1/messages" : "/v1/messages";
            String head = "POST " + target + " HTTP/1.1\r\nHost: localhost:" + upstreamPort + "\r\n"
                    + (t.proxied() ? "Proxy-Authorization: " + auth + "\r\n" : "")
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1)); out.write(body); out.flush();
            int status = -1; long length = -1; String line; boolean first = true;
            while (!(line = readLine()).isEmpty()) {
                if (first) { status = Integer.parseInt(line.substring(9, 12)); first = false; }
                else if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Long.parseLong(line.substring(15).trim());
            }
            if (status != 200) throw new IOException(t.name() + " answered " + status);
            if (length < 0) throw new IOException("no content-length");
            in.skipNBytes(length);
        }
        String readLine() throws IOException {
            StringBuilder sb = new StringBuilder(); int c;
            while ((c = in.read()) != '\n') { if (c < 0) throw new EOFException(); if (c != '\r') sb.append((char) c); }
            return sb.toString();
        }
        public void close() throws IOException { s.close(); }
    }

    static double[] latency(Target t, int up, String auth, byte[] body, int n) throws IOException {
        long[] ns = new long[n];
        try (Conn c = new Conn(t.port())) {
            for (int i = 0; i < n; i++) { long s0 = System.nanoTime(); c.post(t, up, auth, body); ns[i] = System.nanoTime() - s0; }
        }
        Arrays.sort(ns);
        return new double[] {ns[n / 2] / 1e6, ns[(int) (n * 0.99)] / 1e6};
    }

    static double throughput(Target t, int up, String auth, byte[] body, int conns, double seconds) throws Exception {
        AtomicLong done = new AtomicLong(); AtomicBoolean stop = new AtomicBoolean();
        ExecutorService ex = Executors.newFixedThreadPool(conns);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < conns; i++) fs.add(ex.submit(() -> {
            try (Conn c = new Conn(t.port())) { while (!stop.get()) { c.post(t, up, auth, body); done.incrementAndGet(); } }
            return null;
        }));
        long s0 = System.nanoTime(); Thread.sleep((long) (seconds * 1000)); stop.set(true);
        for (Future<?> f : fs) f.get();
        ex.shutdown();
        return done.get() / ((System.nanoTime() - s0) / 1e9);
    }

    static long rssKb(long pid) throws IOException {
        for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    static void memory(int guardPort, int up, String auth, long pid, int n) throws Exception {
        Target t = new Target("airlock", guardPort, true);
        byte[] body = json(1024);
        long before = rssKb(pid);
        List<Conn> conns = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) { Conn c = new Conn(guardPort); c.post(t, up, auth, body); conns.add(c); }
            Thread.sleep(500);
            long after = rssKb(pid);
            System.out.printf(Locale.ROOT, "RESULT memory connections=%d rss_before_mb=%.1f rss_after_mb=%.1f per_conn_kb=%.1f%n",
                    conns.size(), before / 1024.0, after / 1024.0, (after - before) / (double) n);
        } finally {
            for (Conn c : conns) c.close();
        }
    }
}
