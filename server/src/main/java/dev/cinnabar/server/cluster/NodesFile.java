package dev.cinnabar.server.cluster;

import dev.cinnabar.server.config.Quoting;
import dev.cinnabar.server.log.ServerLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * nodes.conf (cluster-config-file): the cluster's configuration as this node last saw it, in
 * the format Redis writes, which is CLUSTER NODES without the nodes still in handshake plus a
 * {@code vars} line with the epochs. Written in place with one write (padded with newlines to
 * the old length, then truncated), so that a crash leaves either the old or the new content, and
 * locked while the server runs so that two nodes never share one.
 */
final class NodesFile {
    private final Cluster cluster;
    private final Path path;
    private FileChannel lockChannel;
    private FileLock lock;

    NodesFile(Cluster cluster, Path path) {
        this.cluster = cluster;
        this.path = path;
    }

    Path path() {
        return path;
    }

    void lock() throws IOException {
        try {
            lockChannel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        } catch (IOException e) {
            ServerLog.warning("Can't open " + path + " in order to acquire a lock: " + e.getMessage());
            throw e;
        }
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            ServerLog.warning("Sorry, the cluster configuration file " + path + " is already used by a different Redis "
                    + "Cluster node. Please make sure that different nodes use different cluster configuration files.");
            lockChannel.close();
            throw new IOException("cluster config file locked");
        }
        lock = l;
    }

    void unlock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing at shutdown: nothing left to do about it
        }
    }

    /**
     * Redis's clusterLoadConfig. False when there is nothing to load (no file, or the empty one
     * the lock created); a file that cannot be understood ends the start, as in Redis.
     */
    boolean load() throws IOException {
        List<String> lines;
        try {
            if (Files.size(path) == 0) {
                return false;
            }
            lines = Files.readAllLines(path, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return false;
        }
        try {
            for (String line : lines) {
                if (line.isEmpty()) {
                    continue;
                }
                List<String> words = Quoting.splitArgs(line);
                if (words == null) {
                    throw new IllegalArgumentException("unbalanced quotes");
                }
                String[] argv = words.toArray(new String[0]);
                if (argv.length == 0) {
                    continue;
                }
                if (argv[0].equalsIgnoreCase("vars")) {
                    loadVars(argv);
                    continue;
                }
                loadNode(argv);
            }
        } catch (RuntimeException e) {
            ServerLog.warning("Unrecoverable error: corrupted cluster config file.");
            throw new IOException("corrupted cluster config file", e);
        }
        if (cluster.myself == null) {
            ServerLog.warning("Unrecoverable error: corrupted cluster config file.");
            throw new IOException("corrupted cluster config file");
        }
        ServerLog.notice("Node configuration loaded, I'm " + cluster.myself.name);
        // Protection against a hand-edited file whose current epoch is behind a node's.
        long max = cluster.maxEpoch();
        if (Long.compareUnsigned(max, cluster.currentEpoch) > 0) {
            cluster.currentEpoch = max;
        }
        return true;
    }

    private void loadVars(String[] argv) {
        if (argv.length % 2 == 0) {
            throw new IllegalArgumentException("vars");
        }
        for (int j = 1; j < argv.length; j += 2) {
            if (argv[j].equalsIgnoreCase("currentEpoch")) {
                cluster.currentEpoch = Long.parseUnsignedLong(digits(argv[j + 1]));
            } else if (argv[j].equalsIgnoreCase("lastVoteEpoch")) {
                cluster.lastVoteEpoch = Long.parseUnsignedLong(digits(argv[j + 1]));
            } else {
                ServerLog.warning("Skipping unknown cluster config variable '" + argv[j] + "'");
            }
        }
    }

    /** strtoull's reading: the leading digits, 0 when there are none. */
    private static String digits(String s) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i == 0 ? "0" : s.substring(0, i);
    }

    /** atoi's reading: an optional sign and the leading digits, 0 when there are none. */
    private static int atoi(String s) {
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (negative ? -v : v);
    }

    private void loadNode(String[] argv) {
        if (argv.length < 8 || !Cluster.validName(argv[0])) {
            throw new IllegalArgumentException("node line");
        }
        ClusterNode n = cluster.lookupOrCreate(argv[0]);
        String address = argv[1];
        int comma = address.indexOf(',');
        if (comma >= 0) {
            n.hostname = address.substring(comma + 1);
            address = address.substring(0, comma);
        } else {
            n.hostname = "";
        }
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address");
        }
        n.ip = address.substring(0, colon);
        String ports = address.substring(colon + 1);
        int at = ports.indexOf('@');
        n.port = atoi(at >= 0 ? ports.substring(0, at) : ports);
        // Files from before the bus port was written have the default offset.
        n.cport = at >= 0 ? atoi(ports.substring(at + 1)) : n.port + Cluster.PORT_INCR;
        for (String flag : argv[2].split(",", -1)) {
            switch (flag.toLowerCase()) {
                case "myself":
                    if (cluster.myself != null) {
                        throw new IllegalArgumentException("two myself");
                    }
                    cluster.myself = n;
                    n.flags |= ClusterNode.MYSELF;
                    break;
                case "master":
                    n.flags |= ClusterNode.MASTER;
                    break;
                case "slave":
                    n.flags |= ClusterNode.REPLICA;
                    break;
                case "fail?":
                    n.flags |= ClusterNode.PFAIL;
                    break;
                case "fail":
                    n.flags |= ClusterNode.FAIL;
                    n.failTimeMillis = cluster.now();
                    break;
                case "handshake":
                    n.flags |= ClusterNode.HANDSHAKE;
                    break;
                case "noaddr":
                    n.flags |= ClusterNode.NOADDR;
                    break;
                case "nofailover":
                    n.flags |= ClusterNode.NOFAILOVER;
                    break;
                case "noflags":
                    break;
                default:
                    // Redis panics here: a flag it does not know means a file it cannot trust.
                    throw new IllegalArgumentException("Unknown flag in redis cluster config file");
            }
        }
        if (argv[3].charAt(0) != '-') {
            if (!Cluster.validName(argv[3])) {
                throw new IllegalArgumentException("master name");
            }
            ClusterNode master = cluster.lookupOrCreate(argv[3]);
            n.master = master;
            master.addReplica(n);
        }
        if (atoi(argv[4]) != 0) {
            n.pingSentMillis = cluster.now();
        }
        if (atoi(argv[5]) != 0) {
            n.pongReceivedMillis = cluster.now();
        }
        // A replica's epoch is its master's; the file's figure for it is not its own.
        n.configEpoch = n.isReplica() && n.master != null ? 0 : Long.parseUnsignedLong(digits(argv[6]));
        for (int j = 8; j < argv.length; j++) {
            String s = argv[j];
            if (s.startsWith("[")) {
                loadOpenSlot(s);
                continue;
            }
            int dash = s.indexOf('-');
            int start = atoi(dash >= 0 ? s.substring(0, dash) : s);
            int stop = dash >= 0 ? atoi(s.substring(dash + 1)) : start;
            if (start < 0 || start >= Cluster.SLOTS || stop < 0 || stop >= Cluster.SLOTS) {
                throw new IllegalArgumentException("slot");
            }
            while (start <= stop) {
                cluster.addSlot(n, start++);
            }
        }
    }

    /** {@code [slot->-node]} (migrating) or {@code [slot-<-node]} (importing). */
    private void loadOpenSlot(String s) {
        int dash = s.indexOf('-');
        if (dash < 0 || dash + 3 > s.length()) {
            throw new IllegalArgumentException("open slot");
        }
        char direction = s.charAt(dash + 1);
        int slot = atoi(s.substring(1, dash));
        if (slot < 0 || slot >= Cluster.SLOTS) {
            throw new IllegalArgumentException("slot");
        }
        int end = s.indexOf(']', dash + 3);
        if (end < 0) {
            throw new IllegalArgumentException("open slot");
        }
        String name = s.substring(dash + 3, end);
        if (!Cluster.validName(name)) {
            throw new IllegalArgumentException("open slot node");
        }
        ClusterNode node = cluster.lookupOrCreate(name);
        if (direction == '>') {
            cluster.migratingTo[slot] = node;
        } else {
            cluster.importingFrom[slot] = node;
        }
    }

    /** Redis's clusterSaveConfig; false when the file could not be written. */
    boolean save(boolean fsync) {
        cluster.todo &= ~Cluster.TODO_SAVE_CONFIG;
        String content = NodeDescriptions.all(cluster, ClusterNode.HANDSHAKE, false)
                + "vars currentEpoch " + Long.toUnsignedString(cluster.currentEpoch)
                + " lastVoteEpoch " + Long.toUnsignedString(cluster.lastVoteEpoch) + "\n";
        byte[] bytes = content.getBytes(StandardCharsets.ISO_8859_1);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            long old = ch.size();
            byte[] out = bytes;
            if (old > bytes.length) {
                out = Arrays.copyOf(bytes, (int) old);
                Arrays.fill(out, bytes.length, out.length, (byte) '\n');
            }
            ByteBuffer b = ByteBuffer.wrap(out);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
            if (fsync) {
                cluster.todo &= ~Cluster.TODO_FSYNC_CONFIG;
                ch.force(true);
            }
            if (out.length != bytes.length) {
                ch.truncate(bytes.length);
            }
            return true;
        } catch (IOException e) {
            lastError = e.getMessage();
            return false;
        }
    }

    String lastError;

    void saveOrDie(boolean fsync) {
        if (!save(fsync)) {
            ServerLog.warning("Fatal: can't update cluster config file.");
            Runtime.getRuntime().halt(1);
        }
    }
}
