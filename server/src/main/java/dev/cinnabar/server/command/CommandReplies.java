package dev.cinnabar.server.command;

import dev.cinnabar.protocol.ReplyWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * COMMAND INFO and COMMAND DOCS entries in Redis 7.0's exact shapes. The metadata never changes
 * after start, so each entry is encoded once per protocol and then copied into replies.
 *
 * <p>RESP3 types follow Redis: command flags, ACL categories, tips, key specs and key flags are
 * sets; the subcommands of COMMAND INFO are an array, or an empty set when there are none; in
 * COMMAND DOCS the history and all flag lists are sets, and subcommands a map.
 */
public final class CommandReplies {
    private CommandReplies() {
    }

    /** Writes the 10-element COMMAND INFO entry of {@code cmd}, or a null for an unknown one. */
    public static void info(ReplyWriter w, CommandSpec cmd) {
        if (cmd == null) {
            w.nullBulk();
            return;
        }
        if (w.resp3()) {
            if (cmd.info3 == null) {
                cmd.info3 = encode(3, cmd, CommandReplies::writeInfo);
            }
            w.raw(cmd.info3);
        } else {
            if (cmd.info2 == null) {
                cmd.info2 = encode(2, cmd, CommandReplies::writeInfo);
            }
            w.raw(cmd.info2);
        }
    }

    /** Writes the COMMAND DOCS map of {@code cmd} (the value only, not its name). */
    public static void docs(ReplyWriter w, CommandSpec cmd) {
        if (w.resp3()) {
            if (cmd.docs3 == null) {
                cmd.docs3 = encode(3, cmd, CommandReplies::writeDocs);
            }
            w.raw(cmd.docs3);
        } else {
            if (cmd.docs2 == null) {
                cmd.docs2 = encode(2, cmd, CommandReplies::writeDocs);
            }
            w.raw(cmd.docs2);
        }
    }

    private interface Part {
        void write(ReplyWriter w, CommandSpec cmd);
    }

    private static byte[] encode(int protocol, CommandSpec cmd, Part part) {
        ByteBuf buf = Unpooled.buffer(256);
        ReplyWriter w = new ReplyWriter(buf);
        w.protocol(protocol);
        part.write(w, cmd);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    private static void writeInfo(ReplyWriter w, CommandSpec cmd) {
        w.array(10);
        w.bulk(cmd.fullName);
        w.integer(cmd.arity);
        CommandFlags.write(w, cmd.flags);
        w.integer(cmd.firstKey);
        w.integer(cmd.lastKey);
        w.integer(cmd.keyStep);
        AclCategories.write(w, cmd.aclCategories);
        w.set(cmd.tips.size());
        for (String tip : cmd.tips) {
            w.bulk(tip);
        }
        w.set(cmd.keySpecs.size());
        for (KeySpec k : cmd.keySpecs) {
            writeKeySpec(w, k);
        }
        List<CommandSpec> subs = cmd.subcommands();
        if (subs.isEmpty()) {
            w.set(0);
        } else {
            w.array(subs.size());
            for (CommandSpec sub : subs) {
                writeInfo(w, sub);
            }
        }
    }

    private static void writeKeySpec(ReplyWriter w, KeySpec k) {
        w.map(k.notes == null ? 3 : 4);
        if (k.notes != null) {
            w.bulk("notes");
            w.bulk(k.notes);
        }
        w.bulk("flags");
        KeyFlags.write(w, k.flags);
        w.bulk("begin_search");
        w.map(2);
        w.bulk("type");
        switch (k.beginSearch) {
            case INDEX:
                w.bulk("index");
                w.bulk("spec");
                w.map(1);
                w.bulk("index");
                w.integer(k.index);
                break;
            case KEYWORD:
                w.bulk("keyword");
                w.bulk("spec");
                w.map(2);
                w.bulk("keyword");
                w.bulk(k.keyword);
                w.bulk("startfrom");
                w.integer(k.startFrom);
                break;
            default:
                w.bulk("unknown");
                w.bulk("spec");
                w.map(0);
                break;
        }
        w.bulk("find_keys");
        w.map(2);
        w.bulk("type");
        switch (k.findKeys) {
            case RANGE:
                w.bulk("range");
                w.bulk("spec");
                w.map(3);
                w.bulk("lastkey");
                w.integer(k.lastKey);
                w.bulk("keystep");
                w.integer(k.keyStep);
                w.bulk("limit");
                w.integer(k.limit);
                break;
            case KEYNUM:
                w.bulk("keynum");
                w.bulk("spec");
                w.map(3);
                w.bulk("keynumidx");
                w.integer(k.keyNumIndex);
                w.bulk("firstkey");
                w.integer(k.firstKey);
                w.bulk("keystep");
                w.integer(k.keyStep);
                break;
            default:
                w.bulk("unknown");
                w.bulk("spec");
                w.map(0);
                break;
        }
    }

    private static void writeDocs(ReplyWriter w, CommandSpec cmd) {
        CommandDocs d = cmd.docs();
        List<CommandSpec> subs = cmd.subcommands();
        int fields = 1 + count(d.summary) + count(d.since) + count(d.complexity) + count(d.docFlags)
                + count(d.deprecatedSince) + count(d.replacedBy) + count(d.history)
                + count(d.arguments) + (subs.isEmpty() ? 0 : 1);
        w.map(fields);
        if (d.summary != null) {
            w.bulk("summary");
            w.bulk(d.summary);
        }
        if (d.since != null) {
            w.bulk("since");
            w.bulk(d.since);
        }
        w.bulk("group");
        w.bulk(d.group);
        if (d.complexity != null) {
            w.bulk("complexity");
            w.bulk(d.complexity);
        }
        if (d.docFlags != null) {
            w.bulk("doc_flags");
            statusSet(w, d.docFlags);
        }
        if (d.deprecatedSince != null) {
            w.bulk("deprecated_since");
            w.bulk(d.deprecatedSince);
        }
        if (d.replacedBy != null) {
            w.bulk("replaced_by");
            w.bulk(d.replacedBy);
        }
        if (d.history != null) {
            w.bulk("history");
            w.set(d.history.size());
            for (List<String> entry : d.history) {
                w.array(2);
                w.bulk(entry.get(0));
                w.bulk(entry.get(1));
            }
        }
        if (d.arguments != null) {
            w.bulk("arguments");
            writeArguments(w, d.arguments);
        }
        if (!subs.isEmpty()) {
            w.bulk("subcommands");
            w.map(subs.size());
            for (CommandSpec sub : subs) {
                w.bulk(sub.fullName);
                writeDocs(w, sub);
            }
        }
    }

    private static void writeArguments(ReplyWriter w, List<DocArgument> args) {
        w.array(args.size());
        for (DocArgument a : args) {
            int fields = 2 + (a.keySpecIndex >= 0 ? 1 : 0) + count(a.token) + count(a.summary)
                    + count(a.since) + count(a.deprecatedSince) + (a.flags.isEmpty() ? 0 : 1)
                    + (a.nests() ? 1 : 0);
            w.map(fields);
            w.bulk("name");
            w.bulk(a.name);
            w.bulk("type");
            w.bulk(a.type);
            if (a.keySpecIndex >= 0) {
                w.bulk("key_spec_index");
                w.integer(a.keySpecIndex);
            }
            if (a.token != null) {
                w.bulk("token");
                w.bulk(a.token);
            }
            if (a.summary != null) {
                w.bulk("summary");
                w.bulk(a.summary);
            }
            if (a.since != null) {
                w.bulk("since");
                w.bulk(a.since);
            }
            if (a.deprecatedSince != null) {
                w.bulk("deprecated_since");
                w.bulk(a.deprecatedSince);
            }
            if (!a.flags.isEmpty()) {
                w.bulk("flags");
                statusSet(w, a.flags);
            }
            if (a.nests()) {
                w.bulk("arguments");
                writeArguments(w, a.arguments);
            }
        }
    }

    private static void statusSet(ReplyWriter w, List<String> names) {
        w.set(names.size());
        for (String n : names) {
            w.simple(n);
        }
    }

    private static int count(Object field) {
        return field == null ? 0 : 1;
    }
}
