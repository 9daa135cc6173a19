package dev.airlock.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * Requests by decision, blocks by rule family, and a scan-time histogram, exposed in Prometheus format. The registry
 * is created at the first request or scrape, not with the guard: initialising Micrometer and Prometheus costs a
 * guard start about a tenth of a second of CPU, which a run whose agent sends nothing should not pay.
 */
public final class GuardMetrics {
    private volatile Meters meters;

    /** The registry and the one meter every scanned request updates. */
    private record Meters(PrometheusMeterRegistry registry, Timer scanTime) {
        static Meters create() {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Timer scanTime = Timer.builder("airlock.guard.scan")
                    .description("time to scan one request")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(1000))
                    .maximumExpectedValue(Duration.ofSeconds(5))
                    .register(registry);
            return new Meters(registry, scanTime);
        }
    }

    private Meters meters() {
        Meters m = meters;
        if (m == null) {
            synchronized (this) {
                m = meters;
                if (m == null) {
                    m = Meters.create();
                    meters = m;
                }
            }
        }
        return m;
    }

    public void request(String decision) {
        Counter.builder("airlock.guard.requests").tag("decision", decision).register(meters().registry()).increment();
    }

    public void block(String rule) {
        String family = rule == null ? "unknown" : rule.contains(":") ? rule.substring(0, rule.indexOf(':')) : rule;
        Counter.builder("airlock.guard.blocks").tag("reason", family).register(meters().registry()).increment();
    }

    public void scanned(long nanos) {
        meters().scanTime().record(Duration.ofNanos(nanos));
    }

    public String scrape() {
        return meters().registry().scrape();
    }
}
