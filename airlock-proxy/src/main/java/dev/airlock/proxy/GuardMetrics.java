package dev.airlock.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** Requests by decision, blocks by rule family, and a scan-time histogram, exposed in Prometheus format. */
public final class GuardMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer scanTime = Timer.builder("airlock.guard.scan")
            .description("time to scan one request")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(1000))
            .maximumExpectedValue(Duration.ofSeconds(5))
            .register(registry);

    public void request(String decision) {
        Counter.builder("airlock.guard.requests").tag("decision", decision).register(registry).increment();
    }

    public void block(String rule) {
        String family = rule == null ? "unknown" : rule.contains(":") ? rule.substring(0, rule.indexOf(':')) : rule;
        Counter.builder("airlock.guard.blocks").tag("reason", family).register(registry).increment();
    }

    public void scanned(long nanos) {
        scanTime.record(Duration.ofNanos(nanos));
    }

    public String scrape() {
        return registry.scrape();
    }
}
