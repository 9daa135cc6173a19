package dev.airlock.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.policy.HostName;
import dev.airlock.proxy.policy.PolicyLoader;
import dev.airlock.proxy.policy.SecretSource;
import dev.airlock.scan.Scanner;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request path as plain Java: no Netty, no sockets. */
class InterceptorsTest {
    static final String REAL = "sk-real-value-123456";

    static GuardPolicy policy(String extra) {
        return new PolicyLoader(SecretSource.of(Map.of("KEY", REAL))).parse(("""
                {"allow": ["api.example.com"],
                 "credentials": [{"host": "api.example.com", "header": "authorization",
                                  "placeholder": "airlock-placeholder-x", "secretSource": "env:KEY"}]%s}
                """.formatted(extra)).getBytes(StandardCharsets.UTF_8), "t").defaults();
    }

    static GuardRequest request(GuardPolicy p, List<Header> headers, String body) throws Exception {
        return new GuardRequest("r-1", new SessionId("s1"), p, "POST", "https", HostName.parse("api.example.com"), 443,
                "/v1?x=1", headers, body.getBytes(StandardCharsets.UTF_8),
                new Destination(HostName.parse("api.example.com"), 443, InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34})));
    }

    static List<Interceptor> chain(java.util.function.Function<GuardPolicy, Scanner> scanners) {
        return List.of(new ScanInterceptor(scanners, n -> { }), new CredentialInjector());
    }

    static Scanner scanner(GuardPolicy p) {
        return Scanner.builder().knownSecrets(dev.airlock.scan.KnownSecrets.of(p.knownSecrets())).build();
    }

    @Test
    void bearerPlaceholderIsSwappedAndBasicPlaceholderInsideBase64Too() throws Exception {
        GuardPolicy p = policy("");
        Verdict bearer = InterceptorChain.run(chain(InterceptorsTest::scanner),
                request(p, List.of(new Header("Authorization", "Bearer airlock-placeholder-x")), "{}"));
        assertThat(((Verdict.Allow) bearer).request().header("authorization")).isEqualTo("Bearer " + REAL);
        String basic = "Basic " + Base64.getEncoder().encodeToString("git:airlock-placeholder-x".getBytes(StandardCharsets.UTF_8));
        Verdict v = InterceptorChain.run(chain(InterceptorsTest::scanner), request(p, List.of(new Header("Authorization", basic)), ""));
        String injected = ((Verdict.Allow) v).request().header("authorization");
        assertThat(new String(Base64.getDecoder().decode(injected.substring(6)), StandardCharsets.UTF_8)).isEqualTo("git:" + REAL);
    }

    @Test
    void realValueFromInsideIsDeniedWherever() throws Exception {
        GuardPolicy p = policy("");
        Verdict inBody = InterceptorChain.run(chain(InterceptorsTest::scanner), request(p, List.of(), "{\"k\":\"" + REAL + "\"}"));
        assertThat(inBody).isInstanceOfSatisfying(Deny.class, d -> {
            assertThat(d.where()).isEqualTo("body");
            assertThat(d.error()).doesNotContain(REAL);
        });
        String basic = "Basic " + Base64.getEncoder().encodeToString(("git:" + REAL).getBytes(StandardCharsets.UTF_8));
        Verdict inBasic = InterceptorChain.run(chain(InterceptorsTest::scanner), request(p, List.of(new Header("Authorization", basic)), ""));
        assertThat(inBasic).isInstanceOfSatisfying(Deny.class, d -> assertThat(d.where()).isEqualTo("header:authorization"));
    }

    @Test
    void scannerFailureBlocksUnlessFailModeIsOpen() throws Exception {
        java.util.function.Function<GuardPolicy, Scanner> broken = p -> {
            throw new IllegalStateException("engine exploded");
        };
        Verdict closed = InterceptorChain.run(chain(broken), request(policy(""), List.of(), "{}"));
        assertThat(closed).isInstanceOfSatisfying(Deny.class, d -> assertThat(d.rule()).isEqualTo("scan-error"));
        Verdict open = InterceptorChain.run(chain(broken), request(policy(", \"failMode\": \"open\""), List.of(), "{}"));
        assertThat(open).isInstanceOfSatisfying(Verdict.Allow.class, a -> assertThat(a.notes()).contains("fail-open:scan-error"));
    }

    @Test
    void incompleteScanBlocks() throws Exception {
        GuardPolicy p = policy("");
        Scanner tiny = Scanner.builder().limits(dev.airlock.scan.ScanLimits.DEFAULT.withMaxBytes(8)).build();
        Verdict v = InterceptorChain.run(chain(x -> tiny), request(p, List.of(), "a body longer than eight bytes"));
        assertThat(v).isInstanceOfSatisfying(Deny.class, d -> assertThat(d.rule()).isEqualTo("scan-incomplete"));
    }

    @Test
    void routingRefusesForbiddenAddressesWithoutTheResolverLying() throws Exception {
        GuardPolicy p = policy("");
        GuardRequest r = request(p, List.of(), "").withDestination(null);
        HostResolver toMetadata = h -> List.of(InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}));
        Verdict v = InterceptorChain.run(List.of(new RouteInterceptor(toMetadata)), r);
        assertThat(v).isInstanceOfSatisfying(Deny.class, d -> assertThat(d.rule()).startsWith("address:"));
        HostResolver publicAddr = h -> List.of(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34}));
        Verdict ok = InterceptorChain.run(List.of(new RouteInterceptor(publicAddr)), r);
        assertThat(ok).isInstanceOfSatisfying(Verdict.Allow.class,
                a -> assertThat(a.request().destination().address().getHostAddress()).isEqualTo("93.184.216.34"));
    }

    @Test
    void aPlaceholderHeaderIsStillScannedForEverythingElse() throws Exception {
        GuardPolicy p = policy("");
        String sneaky = "Basic " + Base64.getEncoder().encodeToString(
                ("airlock-placeholder-x:AKIAZ3MSJV4WWNKWW5FG").getBytes(StandardCharsets.UTF_8));
        Verdict v = InterceptorChain.run(chain(InterceptorsTest::scanner), request(p, List.of(new Header("Authorization", sneaky)), ""));
        assertThat(v).isInstanceOfSatisfying(Deny.class, d -> assertThat(d.rule()).isEqualTo("aws-access-key-id"));
    }
}
