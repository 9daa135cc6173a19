package dev.airlock.proxy.audit;

/** Makes a request target safe for the audit log: query parameter values are replaced by {@code …}. */
public final class AuditPaths {
    public static final String WITHHELD = "[withheld: held a secret]";

    private AuditPaths() {
    }

    public static String redact(String target) {
        if (target == null) {
            return null;
        }
        int hash = target.indexOf('#');
        String t = hash < 0 ? target : target.substring(0, hash);
        int q = t.indexOf('?');
        if (q < 0) {
            return t;
        }
        StringBuilder sb = new StringBuilder(t.substring(0, q + 1));
        String[] params = t.substring(q + 1).split("&", -1);
        for (int i = 0; i < params.length; i++) {
            if (i > 0) {
                sb.append('&');
            }
            int eq = params[i].indexOf('=');
            sb.append(eq < 0 ? "…" : params[i].substring(0, eq) + "=…");
        }
        return sb.toString();
    }
}
