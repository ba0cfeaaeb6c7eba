package dev.cinnabar.server.net;

import dev.cinnabar.server.log.ServerLog;
import dev.cinnabar.server.config.ServerConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.ssl.CipherSuiteConverter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The server's TLS set-up from the {@code tls-*} directives, as Redis's tlsConfigure makes it:
 * one context for connections the server accepts (the {@code tls-port} listener), one for those
 * it opens (to a master with {@code tls-replication}), the second with {@code tls-client-cert-file}
 * when that is set and the server's own certificate otherwise. A configuration is built whole or
 * refused whole, with Redis's log lines, so that a bad CONFIG SET leaves the running one in place.
 *
 * <p>The JDK's TLS stands in for OpenSSL. What differs, and why: cipher lists are OpenSSL's
 * syntax, and only the names of single ciphers (and DEFAULT, ALL, HIGH) translate to the JDK's
 * suites; a DH parameters file is checked but the JDK picks its own groups (RFC 7919); with
 * {@code tls-session-caching no} the session cache shrinks to one entry for a second, since the
 * JDK has no switch to turn it off. Nothing here loads unless TLS is configured: these classes
 * and Netty's TLS code stay out of the idle server's metaspace.
 */
final class TlsContexts {
    /** The pipeline name of a connection's TLS handler: transfers that cannot go through TLS look for it. */
    static final String HANDLER_NAME = dev.cinnabar.server.persistence.RdbTransfer.TLS_HANDLER;
    private static final String[] DEFAULT_PROTOCOLS = {"TLSv1.2", "TLSv1.3"};
    /** OpenSSL cipher-string keywords that mean "the library's usual choice". */
    private static final Set<String> DEFAULT_KEYWORDS = Set.of("DEFAULT", "ALL", "HIGH", "SECURE");

    /** A configuration refused; its reason is in the log already. */
    static final class Refused extends Exception {
        Refused() {
            super(null, null, false, false);
        }
    }

    private final SslContext server;
    private final SslContext client;
    private final boolean preferServerCiphers;

    private TlsContexts(SslContext server, SslContext client, boolean preferServerCiphers) {
        this.server = server;
        this.client = client;
        this.preferServerCiphers = preferServerCiphers;
    }

    /** {@link #configure}, null when refused. */
    static TlsContexts configureOrNull(ServerConfig c) {
        try {
            return configure(c);
        } catch (Refused e) {
            return null;
        }
    }

    /** Builds both contexts from {@code c}, or logs why not and throws. */
    static TlsContexts configure(ServerConfig c) throws Refused {
        if (c.tlsCertFile.isEmpty()) {
            throw refused("No tls-cert-file configured!");
        }
        if (c.tlsKeyFile.isEmpty()) {
            throw refused("No tls-key-file configured!");
        }
        if ((!c.tlsAuthClients.equals("no") || c.tlsCluster || c.tlsReplication)
                && c.tlsCaCertFile.isEmpty() && c.tlsCaCertDir.isEmpty()) {
            throw refused("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                    + "tls-replication or tls-auth-clients are enabled!");
        }
        String[] protocols = protocols(c.tlsProtocols);
        List<X509Certificate> chain = certificates(c.tlsCertFile);
        PrivateKey key = privateKey(c.tlsKeyFile, c.tlsKeyFilePass);
        List<X509Certificate> ca;
        try {
            ca = PemFiles.caCertificates(c.tlsCaCertFile, c.tlsCaCertDir);
        } catch (PemFiles.PemException e) {
            throw refused("Failed to configure CA certificate(s) file/directory: " + e.getMessage());
        }
        List<String> suites = cipherSuites(c.tlsCiphers, c.tlsCiphersuites);
        checkDhParams(c.tlsDhParamsFile);

        List<X509Certificate> clientChain = chain;
        PrivateKey clientKey = key;
        if (!c.tlsClientCertFile.isEmpty() && !c.tlsClientKeyFile.isEmpty()) {
            clientChain = certificates(c.tlsClientCertFile);
            clientKey = privateKey(c.tlsClientKeyFile, c.tlsClientKeyFilePass);
        }
        try {
            SslContextBuilder server = SslContextBuilder.forServer(key, chain)
                    .sslProvider(SslProvider.JDK)
                    .protocols(protocols)
                    // Whether a client must show a certificate is read per connection (tls-auth-clients).
                    .clientAuth(ClientAuth.NONE);
            SslContextBuilder client = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .keyManager(clientKey, clientChain)
                    .protocols(protocols)
                    // Redis checks the peer's chain against its CAs, not the host name it dialled.
                    .endpointIdentificationAlgorithm(null);
            if (!ca.isEmpty()) {
                server.trustManager(ca);
                client.trustManager(ca);
            }
            if (suites != null) {
                server.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
                client.ciphers(suites, SupportedCipherSuiteFilter.INSTANCE);
            }
            if (c.tlsSessionCaching) {
                server.sessionCacheSize(c.tlsSessionCacheSize).sessionTimeout(c.tlsSessionCacheTimeout);
            } else {
                server.sessionCacheSize(1).sessionTimeout(1);
            }
            return new TlsContexts(server.build(), client.build(), c.tlsPreferServerCiphers);
        } catch (SSLException | RuntimeException e) {
            throw refused("Failed to configure TLS: " + e.getMessage());
        }
    }

    /**
     * Makes {@code ch}, just accepted on the TLS port, speak TLS first; {@code authClients} is
     * {@code tls-auth-clients} now, as Redis reads it at each accept.
     */
    void accept(Channel ch, String authClients) {
        accept(ch, authClients, "Error accepting a client connection: ", ServerLog.Level.WARNING);
    }

    /** The same for a connection to the cluster bus ({@code tls-cluster}): a node always shows a certificate. */
    void acceptBus(Channel ch) {
        accept(ch, "yes", "Error accepting cluster node connection: ", ServerLog.Level.VERBOSE);
    }

    private void accept(Channel ch, String authClients, String failure, ServerLog.Level level) {
        SSLEngine engine = server.newEngine(ch.alloc());
        switch (authClients) {
            case "no":
                engine.setNeedClientAuth(false);
                break;
            case "optional":
                engine.setWantClientAuth(true);
                break;
            default:
                engine.setNeedClientAuth(true);
                break;
        }
        // Set either way: the JDK's server prefers its own order unless told not to, OpenSSL the client's.
        SSLParameters p = engine.getSSLParameters();
        p.setUseCipherSuitesOrder(preferServerCiphers);
        engine.setSSLParameters(p);
        SslHandler tls = new SslHandler(engine);
        // Redis has no handshake deadline of its own; a silent client is the timeout directive's.
        tls.setHandshakeTimeoutMillis(0);
        tls.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                // A peer gone before its handshake (a port probe) too, as Redis logs it.
                ServerLog.log(level, failure + reason(f.cause()));
            }
        });
        ch.pipeline().addFirst(HANDLER_NAME, tls);
    }

    /** Makes {@code ch}, a connection this server opens (to its master, to another node), speak TLS first. */
    void connect(Channel ch) {
        SslHandler tls = client.newHandler(ch.alloc());
        tls.setHandshakeTimeoutMillis(0);
        ch.pipeline().addFirst(HANDLER_NAME, tls);
    }

    /** A client-side engine for a connection driven by hand (MIGRATE's, in a TLS cluster). */
    SSLEngine clientEngine() {
        return client.newEngine(ByteBufAllocator.DEFAULT);
    }

    private static String reason(Throwable t) {
        if (t instanceof ClosedChannelException) {
            return "connection closed before the TLS handshake";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static Refused refused(String warning) {
        ServerLog.warning(warning);
        return new Refused();
    }

    private static List<X509Certificate> certificates(String file) throws Refused {
        try {
            return PemFiles.certificates(file);
        } catch (PemFiles.PemException e) {
            throw refused("Failed to load certificate: " + file + ": " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(String file, String password) throws Refused {
        try {
            return PemFiles.privateKey(file, password);
        } catch (PemFiles.PemException e) {
            throw refused("Failed to load private key: " + file + ": " + e.getMessage());
        }
    }

    /** tls-protocols: space-separated, case-insensitive, empty for TLSv1.2 and TLSv1.3. */
    static String[] protocols(String spec) throws Refused {
        if (spec.isEmpty()) {
            return DEFAULT_PROTOCOLS.clone();
        }
        Set<String> out = new LinkedHashSet<>();
        // Split on each space, as sdssplitlen does: two spaces in a row make an empty name.
        for (String t : spec.split(" ", -1)) {
            switch (t.toLowerCase(java.util.Locale.ROOT)) {
                case "tlsv1" -> out.add("TLSv1");
                case "tlsv1.1" -> out.add("TLSv1.1");
                case "tlsv1.2" -> out.add("TLSv1.2");
                case "tlsv1.3" -> out.add("TLSv1.3");
                default -> throw refused("Invalid tls-protocols specified. "
                        + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * The JDK suites for tls-ciphers (TLSv1.2 and below, OpenSSL's names) and tls-ciphersuites
     * (TLSv1.3, the same names in both); null when neither is set, for the JDK's defaults.
     */
    static List<String> cipherSuites(String ciphers, String ciphersuites) throws Refused {
        if (ciphers.isEmpty() && ciphersuites.isEmpty()) {
            return null;
        }
        SSLParameters defaults;
        Set<String> supported;
        try {
            SSLContext jdk = SSLContext.getDefault();
            defaults = jdk.getDefaultSSLParameters();
            supported = new LinkedHashSet<>(Arrays.asList(jdk.getSupportedSSLParameters().getCipherSuites()));
        } catch (GeneralSecurityException e) {
            throw refused("Failed to configure ciphers: " + e.getMessage());
        }
        List<String> tls13 = new ArrayList<>();
        List<String> tls12 = new ArrayList<>();
        for (String s : defaults.getCipherSuites()) {
            (isTls13(s) ? tls13 : tls12).add(s);
        }
        if (!ciphersuites.isEmpty()) {
            tls13.clear();
            for (String name : ciphersuites.split(":")) {
                if (isTls13(name) && supported.contains(name)) {
                    tls13.add(name);
                } else if (!name.isEmpty()) {
                    ServerLog.notice("tls-ciphersuites: " + name + " is not a TLSv1.3 suite the JDK has; ignored");
                }
            }
        }
        if (!ciphers.isEmpty()) {
            List<String> wanted = new ArrayList<>();
            for (String token : ciphers.split("[:, ]+")) {
                if (token.isEmpty()) {
                    continue;
                }
                // OpenSSL's operators on a single cipher: '!' and '-' take it out, '+' moves it last.
                char op = "!-+".indexOf(token.charAt(0)) >= 0 ? token.charAt(0) : 0;
                String name = op == 0 ? token : token.substring(1);
                if (DEFAULT_KEYWORDS.contains(name)) {
                    if (op == 0) {
                        for (String s : tls12) {
                            if (!wanted.contains(s)) {
                                wanted.add(s);
                            }
                        }
                    } else {
                        ServerLog.notice("tls-ciphers: " + token + " is not translated to the JDK's suites; ignored");
                    }
                    continue;
                }
                String java = supported.contains(name) ? name : CipherSuiteConverter.toJava(name, "TLS");
                if (java == null || !supported.contains(java) || isTls13(java)) {
                    ServerLog.notice("tls-ciphers: " + token + " names no cipher the JDK has; ignored");
                    continue;
                }
                if (op == '!' || op == '-') {
                    wanted.remove(java);
                } else if (op == '+') {
                    if (wanted.remove(java)) {
                        wanted.add(java);
                    }
                } else if (!wanted.contains(java)) {
                    wanted.add(java);
                }
            }
            if (wanted.isEmpty()) {
                throw refused("Failed to configure ciphers: " + ciphers);
            }
            tls12 = wanted;
        }
        List<String> all = new ArrayList<>(tls13);
        all.addAll(tls12);
        return all;
    }

    /** TLSv1.3's suites name no key exchange ("TLS_AES_128_GCM_SHA256"); the others say "_WITH_". */
    private static boolean isTls13(String suite) {
        return suite.startsWith("TLS_") && !suite.contains("_WITH_") && !suite.endsWith("_SCSV");
    }

    /**
     * tls-dh-params-file: read and checked as Redis checks it. The JDK takes DH groups from its
     * own settings only (jdk.tls.namedGroups), so a valid file changes nothing here; the log says so.
     */
    private static void checkDhParams(String file) throws Refused {
        if (file.isEmpty()) {
            return;
        }
        String text;
        try {
            text = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw refused("Failed to load " + file + ": No such file or directory");
        } catch (IOException | RuntimeException e) {
            throw refused("Failed to load " + file + ": " + e.getMessage());
        }
        if (!text.contains("-----BEGIN DH PARAMETERS-----") && !text.contains("-----BEGIN X9.42 DH PARAMETERS-----")) {
            throw refused(file + ": failed to read DH params.");
        }
        ServerLog.notice("tls-dh-params-file: the JDK chooses its own Diffie-Hellman groups; " + file + " is not used");
    }
}
