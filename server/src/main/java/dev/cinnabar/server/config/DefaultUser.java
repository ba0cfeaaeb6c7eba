package dev.cinnabar.server.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The passwords of Redis's {@code default} user, the one user Cinnabar serves until it has ACLs.
 * Redis keeps a user's passwords as SHA-256 digests: {@code requirepass} makes the default user's
 * one password, and a {@code user default} line of the config file may give it several (as
 * {@code >secret} or as the digest, {@code #...}, which is what CONFIG REWRITE writes), none
 * ({@code nopass}: any password is accepted and new connections start authenticated), or none
 * that can match ({@code resetpass} alone). Immutable.
 */
public final class DefaultUser {
    /** Redis's default user as it starts: no password needed. */
    public static final DefaultUser NO_PASSWORD = new DefaultUser(true, List.of());

    private static final HexFormat HEX = HexFormat.of();

    private final boolean noPass;
    /** SHA-256 digests of the passwords, without duplicates, in the order they were added. */
    private final List<byte[]> digests;

    DefaultUser(boolean noPass, List<byte[]> digests) {
        this.noPass = noPass;
        this.digests = Collections.unmodifiableList(new ArrayList<>(digests));
    }

    /** The default user as {@code requirepass} makes it: nopass when empty, else that one password. */
    public static DefaultUser withRequirePass(String requirePass) {
        if (requirePass.isEmpty()) {
            return NO_PASSWORD;
        }
        return new DefaultUser(false, List.of(sha256(ServerConfig.bytes(requirePass))));
    }

    /** False for nopass: clients start authenticated and AUTH takes any password. */
    public boolean passwordRequired() {
        return !noPass;
    }

    /** Whether AUTH with {@code password} succeeds for this user. */
    public boolean accepts(byte[] password) {
        if (noPass) {
            return true;
        }
        byte[] given = sha256(password);
        boolean found = false;
        // Every digest is compared, so the time taken does not tell which one matched.
        for (byte[] d : digests) {
            found |= MessageDigest.isEqual(d, given);
        }
        return found;
    }

    /** The password rules as ACL LIST and CONFIG REWRITE write them: nopass, or each digest. */
    public String passwordRules() {
        if (noPass) {
            return "nopass";
        }
        List<String> rules = new ArrayList<>();
        for (byte[] d : digests) {
            rules.add("#" + HEX.formatHex(d));
        }
        return String.join(" ", rules);
    }

    List<byte[]> digests() {
        return digests;
    }

    boolean noPass() {
        return noPass;
    }

    static byte[] sha256(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
