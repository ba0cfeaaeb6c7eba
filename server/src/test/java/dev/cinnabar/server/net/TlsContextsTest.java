package dev.cinnabar.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cinnabar.server.config.ServerConfig;
import dev.cinnabar.server.log.ServerLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** tls-protocols and the cipher lists read as Redis reads them, and refusals before any file is opened. */
class TlsContextsTest {
    @Test
    void protocolsAreRedisFourNamesInAnyCase() throws Exception {
        assertArrayEquals(new String[] {"TLSv1.2", "TLSv1.3"}, TlsContexts.protocols(""));
        assertArrayEquals(new String[] {"TLSv1.3"}, TlsContexts.protocols("tlsv1.3"));
        assertArrayEquals(new String[] {"TLSv1", "TLSv1.1", "TLSv1.2"}, TlsContexts.protocols("TLSv1 TLSV1.1 TLSv1.2"));
        assertThrows(TlsContexts.Refused.class, () -> TlsContexts.protocols("TLSv1.4"));
        assertThrows(TlsContexts.Refused.class, () -> TlsContexts.protocols("SSLv3"));
        // sdssplitlen on " ": two spaces make an empty name, which is no protocol.
        assertThrows(TlsContexts.Refused.class, () -> TlsContexts.protocols("TLSv1.2  TLSv1.3"));
    }

    @Test
    void openSslCipherNamesBecomeTheJdksSuites() throws Exception {
        assertNull(TlsContexts.cipherSuites("", ""), "the JDK's defaults");
        List<String> one = TlsContexts.cipherSuites("ECDHE-RSA-AES256-GCM-SHA384", "");
        assertTrue(one.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"), one.toString());
        assertTrue(one.contains("TLS_AES_128_GCM_SHA256"), "TLSv1.3 keeps its defaults: " + one);
        assertEquals(1, one.stream().filter(s -> s.contains("_WITH_")).count(), one.toString());
        // The JDK's own names are taken too, and order is kept.
        List<String> two = TlsContexts.cipherSuites("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384", "");
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                two.stream().filter(s -> s.contains("_WITH_")).toList());
        assertThrows(TlsContexts.Refused.class, () -> TlsContexts.cipherSuites("NO-SUCH-CIPHER", ""));
        assertThrows(TlsContexts.Refused.class, () -> TlsContexts.cipherSuites("!aNULL", ""));
        List<String> high = TlsContexts.cipherSuites("HIGH:!aNULL", "");
        assertTrue(high.stream().filter(s -> s.contains("_WITH_")).count() > 1, high.toString());
    }

    @Test
    void tls13SuitesAreTlsCiphersuitesAlone() throws Exception {
        List<String> suites = TlsContexts.cipherSuites("", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384");
        assertEquals(List.of("TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384"),
                suites.stream().filter(s -> !s.contains("_WITH_") && !s.endsWith("_SCSV")).toList());
        assertTrue(suites.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "TLSv1.2 keeps its defaults");
    }

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() {
        ServerLog.stream(System.out);
    }

    /** The warning a refused configuration logged. */
    private String refusal(ServerConfig c) {
        log.reset();
        ServerLog.stream(log);
        assertNull(TlsContexts.configureOrNull(c));
        String text = log.toString(StandardCharsets.UTF_8).trim();
        return text.substring(text.indexOf(" # ") + 3);
    }

    @Test
    void aConfigurationWithoutItsFilesIsRefusedInRedisOrder() {
        ServerConfig c = new ServerConfig();
        assertEquals("No tls-cert-file configured!", refusal(c));
        c.tlsCertFile = "/nonexistent.crt";
        assertEquals("No tls-key-file configured!", refusal(c));
        c.tlsKeyFile = "/nonexistent.key";
        assertEquals("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication "
                + "or tls-auth-clients are enabled!", refusal(c));
        c.tlsAuthClients = "no";
        c.tlsProtocols = "TLSv1.4";
        assertTrue(refusal(c).startsWith("Invalid tls-protocols specified."));
        c.tlsProtocols = "";
        assertEquals("Failed to load certificate: /nonexistent.crt: No such file or directory", refusal(c));
    }
}
