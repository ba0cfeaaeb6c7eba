package dev.cinnabar.server.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * ACL LOG: the latest security events, newest first, as Redis 7.0 keeps them. An event like one
 * of the ten newest (same reason, context, object and user, within a minute) counts on that entry
 * and brings it to the front instead of adding one; past {@code acllog-max-len} entries the
 * oldest go. With only the default user and every permission, the events are failed
 * authentications (reason {@code auth}).
 */
public final class AclLog {
    /** Redis's ACL_LOG_GROUPING_MAX_TIME_DELTA. */
    private static final long GROUPING_MILLIS = 60_000;
    /** How many of the newest entries an event is compared with. */
    private static final int SCANNED = 10;

    /** One entry; its fields are ACL LOG's. */
    public static final class Entry {
        public long count = 1;
        public final String reason;
        public final String context;
        public final String object;
        public final String username;
        public long createdMillis;
        public String clientInfo;

        Entry(String reason, String context, String object, String username, long createdMillis, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.createdMillis = createdMillis;
            this.clientInfo = clientInfo;
        }

        private boolean sameEvent(Entry e) {
            return reason.equals(e.reason) && context.equals(e.context) && object.equals(e.object)
                    && username.equals(e.username) && e.createdMillis - createdMillis <= GROUPING_MILLIS;
        }
    }

    /** Newest first. */
    private final List<Entry> entries = new ArrayList<>();

    /** Records an event; {@code clientInfo} is the client's CLIENT INFO line at the time. */
    public void add(String reason, String context, String object, String username, long nowMillis,
                    String clientInfo, long maxLen) {
        Entry e = new Entry(reason, context, object, username, nowMillis, clientInfo);
        for (int i = 0; i < Math.min(SCANNED, entries.size()); i++) {
            Entry old = entries.get(i);
            if (old.sameEvent(e)) {
                old.count++;
                old.createdMillis = nowMillis;
                old.clientInfo = clientInfo;
                entries.remove(i);
                entries.add(0, old);
                return;
            }
        }
        entries.add(0, e);
        while (entries.size() > maxLen) {
            entries.remove(entries.size() - 1);
        }
    }

    /** The newest {@code n} entries, newest first. */
    public List<Entry> newest(int n) {
        return new ArrayList<>(entries.subList(0, Math.min(n, entries.size())));
    }

    public void reset() {
        entries.clear();
    }
}
