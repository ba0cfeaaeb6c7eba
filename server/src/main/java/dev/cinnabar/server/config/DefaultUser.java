package dev.cinnabar.server.config;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * Redis's {@code default} user, the one user Cinnabar serves until it has ACLs, and always with
 * every key, channel and command: what remains is whether it is on, its passwords and its
 * payload-sanitizing flag. Redis keeps passwords as SHA-256 digests: {@code requirepass} makes
 * the default user's one password, and a {@code user default} line or ACL SETUSER may give it
 * several (as {@code >secret} or as the digest, {@code #...}, which is what CONFIG REWRITE
 * writes), none ({@code nopass}: any password is accepted and new connections start
 * authenticated), or none that can match ({@code resetpass} alone). Immutable.
 */
public final class DefaultUser {
    /** Redis's default user as it starts: no password needed. */
    public static final DefaultUser NO_PASSWORD = new DefaultUser(true, true, List.of(), DefaultUser.UNSET);

    /** The payload-sanitizing flag: never set (Redis's default user at start), or which one. */
    static final int UNSET = 0;
    static final int SANITIZE = 1;
    static final int SKIP_SANITIZE = 2;

    private static final HexFormat HEX = HexFormat.of();

    private final boolean enabled;
    private final boolean noPass;
    /** SHA-256 digests of the passwords, without duplicates, in the order they were added. */
    private final List<byte[]> digests;
    private final int sanitize;

    DefaultUser(boolean enabled, boolean noPass, List<byte[]> digests, int sanitize) {
        this.enabled = enabled;
        this.noPass = noPass;
        this.digests = Collections.unmodifiableList(new ArrayList<>(digests));
        this.sanitize = sanitize;
    }

    /** The default user as {@code requirepass} makes it: nopass when empty, else that one password. */
    public static DefaultUser ofRequirePass(String requirePass) {
        return NO_PASSWORD.withRequirePass(requirePass);
    }

    /** This user with requirepass's passwords instead of its own, as CONFIG SET requirepass does. */
    public DefaultUser withRequirePass(String requirePass) {
        if (requirePass.isEmpty()) {
            return new DefaultUser(enabled, true, List.of(), sanitize);
        }
        return new DefaultUser(enabled, false, List.of(sha256(ServerConfig.bytes(requirePass))), sanitize);
    }

    /** Whether new connections must authenticate: unless the user is on and needs no password. */
    public boolean passwordRequired() {
        return !(enabled && noPass);
    }

    /** Whether AUTH with {@code password} succeeds for this user. */
    public boolean accepts(byte[] password) {
        if (!enabled) {
            return false;
        }
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

    /** The user as ACL LIST and CONFIG REWRITE describe it, without "user default". */
    public List<String> rules() {
        List<String> rules = new ArrayList<>(flags());
        for (String hex : passwordDigests()) {
            rules.add("#" + hex);
        }
        rules.addAll(List.of("~*", "&*", "+@all"));
        return rules;
    }

    /** ACL GETUSER's flags, in Redis's order. */
    public List<String> flags() {
        List<String> flags = new ArrayList<>();
        flags.add(enabled ? "on" : "off");
        if (noPass) {
            flags.add("nopass");
        }
        if (sanitize == SANITIZE) {
            flags.add("sanitize-payload");
        } else if (sanitize == SKIP_SANITIZE) {
            flags.add("skip-sanitize-payload");
        }
        return flags;
    }

    /** The passwords' digests in hex, as ACL GETUSER lists them. */
    public List<String> passwordDigests() {
        List<String> out = new ArrayList<>();
        for (byte[] d : digests) {
            out.add(HEX.formatHex(d));
        }
        return out;
    }

    /** AUTH with one argument is a mistake when this is true: Redis looks at nopass alone. */
    public boolean noPass() {
        return noPass;
    }

    boolean enabled() {
        return enabled;
    }

    List<byte[]> digests() {
        return digests;
    }

    int sanitize() {
        return sanitize;
    }

    static byte[] sha256(byte[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
