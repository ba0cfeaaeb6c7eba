/*
 * Cinnabar: this class replaces LuaJ 3.0.1's org.luaj.vm2.LuaTable (MIT licence, below), shadowing
 * the class of the luaj-jse jar (the server's shade configuration drops the jar's copy). It keeps
 * LuaJ's public API but stores a table as Lua 5.1's ltable.c does, which scripts can see: the
 * order in which next and pairs visit keys (and so cjson.encode's and cmsgpack.pack's output), the
 * border the length operator finds in a table with holes, and where a key set to nil stays.
 * LuaJ's own table chains entries in buckets and rehashes on a load factor, so the same script
 * gave another order on Cinnabar than on Redis. The algorithms are Lua 5.1's, as the comments
 * explain; the code is written for this class. tostring prints a made-up address of the table's
 * own, "table: 0x...", where LuaJ printed its identity hash.
 */
/*******************************************************************************
* Copyright (c) 2009 Luaj.org. All rights reserved.
*
* Permission is hereby granted, free of charge, to any person obtaining a copy
* of this software and associated documentation files (the "Software"), to deal
* in the Software without restriction, including without limitation the rights
* to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
* copies of the Software, and to permit persons to whom the Software is
* furnished to do so, subject to the following conditions:
*
* The above copyright notice and this permission notice shall be included in
* all copies or substantial portions of the Software.
*
* THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
* IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
* FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
* AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
* LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
* OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
* THE SOFTWARE.
******************************************************************************/
package org.luaj.vm2;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Lua table laid out as Lua 5.1 lays it out.
 *
 * <p>Two parts. The array part holds the keys 1..n for the n that {@link #rehash} last chose;
 * the hash part is a power-of-two array of nodes, each a key, a value and the index of the next
 * node of its collision chain. A key lives in its main position (its hash modulo the size) or,
 * when that node is taken, in a free node linked into the chain that starts at its main
 * position: if the node's occupant is not in its own main position, it is the one that moves
 * (Brent's variation), so a lookup never walks another key's chain. Free nodes are found by a
 * cursor that only moves down ({@code lastFree}); when it reaches the bottom the table is rebuilt
 * at the sizes the live keys need, which is the only time either part changes size.
 *
 * <p>Lua's order of traversal is array part first, then the nodes from the first to the last, and
 * every detail above moves a key to another node: the hash functions (Redis's string hash, a
 * number's two 32-bit halves added, booleans as 0 and 1), the sizes chosen, the order keys are
 * reinserted in a rebuild, the cursor. A key assigned nil keeps its node (its value is nil, so
 * traversal skips it) until the next rebuild, and a nil assigned to an absent key takes a node
 * too: a traversal may clear the current key, and the node count at the next rebuild depends on
 * both. Nil is {@code null} in the arrays.
 *
 * <p>Weak tables ({@code __mode} with k or v) keep tables, functions, userdata and threads
 * behind {@link WeakReference}s; an entry whose key or value has been collected reads as nil,
 * as after a Lua collection. Strings, numbers and booleans are never weak, as in Lua.
 */
public class LuaTable extends LuaValue implements Metatable {
	/** Lua 5.1's bound on the array part, 2^26 (MAXBITS). */
	private static final int MAXBITS = 26;
	private static final int MAXASIZE = 1 << MAXBITS;
	private static final LuaString N = valueOf("n");
	private static final int[] NO_LINKS = {};

	/** The array part: {@code array[i]} holds key i+1; its length is the part's size. */
	protected LuaValue[] array;

	/** The hash part: node i's key (null while the node has never held one), value and chain link. */
	private LuaValue[] nodeKeys;
	private LuaValue[] nodeValues;
	private int[] nodeNext;

	/** Nodes at and above this index have all been handed out or were never free. */
	private int lastFree;

	/** metatable for this table, or null */
	protected Metatable m_metatable;

	private boolean weakKeys;
	private boolean weakValues;

	/** Construct empty table */
	public LuaTable() {
		array = NOVALS;
		nodeKeys = NOVALS;
		nodeValues = NOVALS;
		nodeNext = NO_LINKS;
	}

	/**
	 * Construct a table with preset sizes, as Lua's lua_createtable: an array part of exactly
	 * {@code narray} and a hash part of {@code nhash} nodes rounded up to a power of two.
	 * @param narray capacity of array part
	 * @param nhash capacity of hash part
	 */
	public LuaTable(int narray, int nhash) {
		this();
		if (narray > 0)
			array = new LuaValue[narray];
		setNodeVector(nhash);
	}

	/**
	 * An empty table with room for the values 1..n, laid out as filling them in one by one from an
	 * empty table leaves it (as Redis builds KEYS, ARGV and a reply's arrays): an array part of the
	 * next power of two and no hash part, without the rebuilds on the way.
	 */
	public static LuaTable forSequence(int n) {
		return new LuaTable(n <= 1 ? n : Integer.highestOneBit(n - 1) << 1, 0);
	}

	/**
	 * Construct table with named and unnamed parts.
	 * @param named Named elements in order {@code key-a, value-a, key-b, value-b, ... }
	 * @param unnamed Unnamed elements in order {@code value-1, value-2, ... }
	 * @param lastarg Additional unnamed values beyond {@code unnamed.length}
	 */
	public LuaTable(LuaValue[] named, LuaValue[] unnamed, Varargs lastarg) {
		this(
			(unnamed != null ? unnamed.length : 0) + (lastarg != null ? lastarg.narg() : 0),
			(named != null ? named.length : 0) >> 1);
		int nu = array.length - (lastarg != null ? lastarg.narg() : 0);
		for (int i = 0; i < nu; i++)
			rawset(i + 1, unnamed[i]);
		if (lastarg != null)
			for (int i = 1, n = lastarg.narg(); i <= n; ++i)
				rawset(nu + i, lastarg.arg(i));
		if (named != null)
			for (int i = 0; i < named.length; i += 2)
				if (!named[i + 1].isnil())
					rawset(named[i], named[i + 1]);
	}

	/**
	 * Construct table of unnamed elements.
	 * @param varargs Unnamed elements in order {@code value-1, value-2, ... }
	 */
	public LuaTable(Varargs varargs) {
		this(varargs, 1);
	}

	/**
	 * Construct table of unnamed elements, and "n", their count.
	 * @param varargs Unnamed elements in order {@code value-1, value-2, ... }
	 * @param firstarg the index in varargs of the first argument to include in the table
	 */
	public LuaTable(Varargs varargs, int firstarg) {
		this(Math.max(varargs.narg() - (firstarg - 1), 0), 1);
		int nskip = firstarg - 1;
		int n = Math.max(varargs.narg() - nskip, 0);
		set(N, valueOf(n));
		for (int i = 1; i <= n; i++)
			set(i, varargs.arg(i + nskip));
	}

	public int type() {
		return LuaValue.TTABLE;
	}

	public String typename() {
		return "table";
	}

	/** Assigned when first printed: "table: 0x..." as Lua 5.1 prints an address (dev.cinnabar.server.lua.LuaAddresses). */
	private long address;

	public String tojstring() {
		if (address == 0)
			address = dev.cinnabar.server.lua.LuaAddresses.next();
		return dev.cinnabar.server.lua.LuaAddresses.format("table", address);
	}

	public boolean istable() {
		return true;
	}

	public LuaTable checktable() {
		return this;
	}

	public LuaTable opttable(LuaTable defval) {
		return this;
	}

	/** Grows the array part to at least {@code narray} (Lua's luaH_resizearray, as OP_SETLIST does). */
	public void presize(int narray) {
		if (narray > array.length)
			resize(narray, nodeKeys.length);
	}

	/** Resizes both parts, keeping the contents (Lua's resize). */
	public void presize(int narray, int nhash) {
		resize(narray, nhash);
	}

	public LuaValue getmetatable() {
		return (m_metatable != null) ? m_metatable.toLuaValue() : null;
	}

	public LuaValue setmetatable(LuaValue metatable) {
		m_metatable = metatableOf(metatable);
		boolean keys = m_metatable != null && m_metatable.useWeakKeys();
		boolean values = m_metatable != null && m_metatable.useWeakValues();
		if (keys != weakKeys || values != weakValues) {
			weakKeys = keys;
			weakValues = values;
			rewrapEntries();
		}
		return this;
	}

	public LuaValue get(int key) {
		LuaValue v = rawget(key);
		return v.isnil() && m_metatable != null ? gettable(this, valueOf(key)) : v;
	}

	public LuaValue get(LuaValue key) {
		LuaValue v = rawget(key);
		return v.isnil() && m_metatable != null ? gettable(this, key) : v;
	}

	public LuaValue rawget(int key) {
		if (Integer.compareUnsigned(key - 1, array.length) < 0)
			return orNil(arrayValue(key - 1));
		int n = findNumber(key);
		return n < 0 ? NIL : orNil(nodeValue(n));
	}

	public LuaValue rawget(LuaValue key) {
		switch (key.type()) {
		case TNIL:
			return NIL;
		case TSTRING: {
			int n = findString((LuaString) key);
			return n < 0 ? NIL : orNil(nodeValue(n));
		}
		case TNUMBER: {
			double d = key.todouble();
			int k = (int) d;
			if (k == d)
				return rawget(k);
			break;
		}
		default:
			break;
		}
		int n = findOther(key);
		return n < 0 ? NIL : orNil(nodeValue(n));
	}

	public void set(int key, LuaValue value) {
		if (m_metatable == null || !rawget(key).isnil() || metatag(NEWINDEX).isnil()) {
			rawset(key, value);
		} else {
			// Lua's luaV_settable gives the key a node before it finds the __newindex handler
			rawset(key, NIL);
			settable(this, LuaInteger.valueOf(key), value);
		}
	}

	/** caller must ensure key is not nil */
	public void set(LuaValue key, LuaValue value) {
		checkKey(key, 1);
		if (m_metatable == null || !rawget(key).isnil() || metatag(NEWINDEX).isnil()) {
			rawset(key, value);
		} else {
			rawset(key, NIL);
			settable(this, key, value);
		}
	}

	public void rawset(int key, LuaValue value) {
		store(setNumberSlot(key), value);
	}

	/** Sets a value without metatables. A nil or NaN key fails with Lua's error, without a position. */
	public void rawset(LuaValue key, LuaValue value) {
		checkKey(key, 0);
		store(setSlot(key), value);
	}

	/**
	 * Lua 5.1's errors for keys a table cannot hold, raised before any node is taken. Level 1 when
	 * the interpreter assigns (the message gets the script's position), 0 from rawset and the
	 * server's own code (a C function in Lua, whose errors carry none).
	 */
	private static void checkKey(LuaValue key, int level) {
		if (key.isnil())
			throw new LuaError("table index is nil", level);
		if (key.type() == TNUMBER && Double.isNaN(key.todouble()))
			throw new LuaError("table index is NaN", level);
	}

	/**
	 * Remove the element at a position in a list-table, as Lua 5.1's table.remove.
	 *
	 * @param pos the position to remove, 0 for the last
	 * @return The removed item, or {@link #NONE} if not removed
	 */
	public LuaValue remove(int pos) {
		int e = rawlen();
		if (pos == 0)
			pos = e;
		if (pos < 1 || pos > e)
			return NONE;
		LuaValue v = rawget(pos);
		for (; pos < e; pos++)
			rawset(pos, rawget(pos + 1));
		rawset(e, NIL);
		return v;
	}

	/**
	 * Insert an element at a position in a list-table, as Lua 5.1's table.insert.
	 *
	 * @param pos the position to insert at, 0 for after the last
	 * @param value The value to insert
	 */
	public void insert(int pos, LuaValue value) {
		int e = rawlen() + 1;
		if (pos == 0)
			pos = e;
		if (pos > e)
			e = pos;
		for (int i = e; i > pos; i--)
			rawset(i, rawget(i - 1));
		rawset(pos, value);
	}

	/**
	 * Concatenate the contents of a table efficiently, using {@link Buffer}
	 *
	 * @param sep {@link LuaString} separater to apply between elements
	 * @param i the first element index
	 * @param j the last element index, inclusive
	 * @return {@link LuaString} value of the concatenation
	 */
	public LuaValue concat(LuaString sep, int i, int j) {
		Buffer sb = new Buffer();
		if (i <= j) {
			sb.append(get(i).checkstring());
			while (++i <= j) {
				sb.append(sep);
				sb.append(get(i).checkstring());
			}
		}
		return sb.tostring();
	}

	/** The length operator: Lua 5.1 consults no __len for tables. */
	public int length() {
		return rawlen();
	}

	public LuaValue len() {
		return LuaInteger.valueOf(rawlen());
	}

	/**
	 * A border, as Lua 5.1's luaH_getn finds it: if the array part's last slot is nil, a binary
	 * search within the array part; if the array part is full and there is no hash part, its
	 * size; otherwise an unbounded search through the hash part from there. With holes this is
	 * some border, not the first, and which one depends on the layout.
	 */
	public int rawlen() {
		int j = array.length;
		if (j > 0 && arrayValue(j - 1) == null) {
			int i = 0;
			while (j - i > 1) {
				int m = (i + j) >>> 1;
				if (arrayValue(m - 1) == null)
					j = m;
				else
					i = m;
			}
			return i;
		}
		if (nodeKeys.length == 0)
			return j;
		return unboundSearch(j);
	}

	private int unboundSearch(int from) {
		long i = from;
		long j = from + 1L;
		while (rawgetLong(j) != null) {
			i = j;
			j *= 2;
			if (j > Integer.MAX_VALUE) {
				// a table made to defeat the doubling: Lua falls back to a linear search
				int k = 1;
				while (rawgetLong(k) != null)
					k++;
				return k - 1;
			}
		}
		while (j - i > 1) {
			long m = (i + j) >>> 1;
			if (rawgetLong(m) == null)
				j = m;
			else
				i = m;
		}
		return (int) i;
	}

	/** The value at an integer key as Lua's luaH_getnum sees it (its int key wraps past 2^31), or null. */
	private LuaValue rawgetLong(long key) {
		int k = (int) key;
		if (Integer.compareUnsigned(k - 1, array.length) < 0)
			return arrayValue(k - 1);
		int n = findNumber(k);
		return n < 0 ? null : nodeValue(n);
	}

	/**
	 * Get the next element after a particular key in the table: the array part in order, then
	 * the nodes in order, skipping nil values (Lua's luaH_next).
	 * @return key,value or nil
	 */
	public Varargs next(LuaValue key) {
		int i = traversalIndex(key);
		for (i++; i < array.length; i++) {
			LuaValue v = arrayValue(i);
			if (v != null)
				return varargsOf(LuaInteger.valueOf(i + 1), v);
		}
		for (i -= array.length; i < nodeKeys.length; i++) {
			LuaValue v = nodeValue(i);
			if (v != null)
				return varargsOf(nodeKey(i), v);
		}
		return NIL;
	}

	/**
	 * Where traversal stands: -1 before the first key, i for array slot i, the array's size plus
	 * j for node j. The key may hold nil by now (a traversal may clear its current key).
	 */
	private int traversalIndex(LuaValue key) {
		if (key.isnil())
			return -1;
		int k = arrayIndex(key);
		if (k > 0 && k <= array.length)
			return k - 1;
		if (nodeKeys.length > 0) {
			int n = mainPosition(key);
			do {
				if (keyEquals(nodeKeys[n], key))
					return n + array.length;
				n = nodeNext[n];
			} while (n >= 0);
		}
		throw new LuaError("invalid key to 'next'", 0);
	}

	/**
	 * Get the next element after a particular key in the
	 * contiguous array part of a table
	 * @return key,value or none
	 */
	public Varargs inext(LuaValue key) {
		int k = key.checkint() + 1;
		LuaValue v = rawget(k);
		return v.isnil() ? NONE : varargsOf(LuaInteger.valueOf(k), v);
	}

	// ---- lookups: each returns a node index, or -1

	private int findString(LuaString key) {
		if (nodeKeys.length == 0)
			return -1;
		int n = key.luaHash() & (nodeKeys.length - 1);
		do {
			LuaValue k = nodeKeys[n];
			if (k == key || (k instanceof LuaString && ((LuaString) k).raweq(key)))
				return n;
			n = nodeNext[n];
		} while (n >= 0);
		return -1;
	}

	private int findNumber(int key) {
		if (nodeKeys.length == 0)
			return -1;
		int n = hashNumber(key);
		do {
			LuaValue k = nodeKeys[n];
			if (k != null && k.type() == TNUMBER && k.todouble() == key)
				return n;
			n = nodeNext[n];
		} while (n >= 0);
		return -1;
	}

	/** Keys that are neither strings nor integral numbers: other numbers, booleans, objects. */
	private int findOther(LuaValue key) {
		if (nodeKeys.length == 0)
			return -1;
		int n = mainPosition(key);
		do {
			if (keyEquals(nodeKeys[n], key))
				return n;
			n = nodeNext[n];
		} while (n >= 0);
		return -1;
	}

	private static boolean keyEquals(LuaValue stored, LuaValue key) {
		if (stored == null)
			return false;
		if (stored instanceof Weak)
			return ((Weak) stored).get() == key;
		return stored == key || stored.raweq(key);
	}

	// ---- hashing: Lua 5.1's main positions

	/** A key's main position in the hash part, which must not be empty. */
	private int mainPosition(LuaValue key) {
		switch (key.type()) {
		case TNUMBER:
			return hashNumber(key.todouble());
		case TSTRING:
			return ((LuaString) key).luaHash() & (nodeKeys.length - 1);
		case TBOOLEAN:
			return (key.toboolean() ? 1 : 0) & (nodeKeys.length - 1);
		default:
			// Lua hashes an object's address; an identity hash is as arbitrary
			return hashMod(key instanceof Weak ? ((Weak) key).hash : System.identityHashCode(key));
		}
	}

	/** A number's two 32-bit halves added, modulo an odd size (0 and -0 go to node 0). */
	private int hashNumber(double n) {
		if (n == 0)
			return 0;
		long bits = Double.doubleToRawLongBits(n);
		return hashMod((int) bits + (int) (bits >>> 32));
	}

	/** Lua's hashmod: modulo the size less one, made odd, as powers of two share factors with many keys. */
	private int hashMod(int h) {
		return Integer.remainderUnsigned(h, (nodeKeys.length - 1) | 1);
	}

	/** The integer a key stands for if it is a number with an integral value, else -1 (Lua's arrayindex). */
	private static int arrayIndex(LuaValue key) {
		if (key.type() != TNUMBER)
			return -1;
		double d = key.todouble();
		int k = (int) d;
		return k == d ? k : -1;
	}

	// ---- assignment: slots are node indexes, or -(i + 1) for array slot i

	private void store(int slot, LuaValue value) {
		LuaValue v = value.isnil() ? null : weakValues ? weaken(value) : value;
		if (slot >= 0)
			nodeValues[slot] = v;
		else
			array[-slot - 1] = v;
	}

	/** The slot for {@code key}, given a node if it has none (Lua's luaH_set). */
	private int setSlot(LuaValue key) {
		switch (key.type()) {
		case TSTRING: {
			int n = findString((LuaString) key);
			return n >= 0 ? n : newKey(key);
		}
		case TNUMBER: {
			double d = key.todouble();
			int k = (int) d;
			if (k == d) {
				if (Integer.compareUnsigned(k - 1, array.length) < 0)
					return -k;
				int n = findNumber(k);
				return n >= 0 ? n : newKey(key);
			}
			break;
		}
		default:
			break;
		}
		int n = findOther(key);
		return n >= 0 ? n : newKey(key);
	}

	/** Lua's luaH_setnum. */
	private int setNumberSlot(int key) {
		if (Integer.compareUnsigned(key - 1, array.length) < 0)
			return -key;
		int n = findNumber(key);
		return n >= 0 ? n : newKey(LuaInteger.valueOf(key));
	}

	/**
	 * Gives a key that is not in the table a node (Lua's newkey). If its main position holds a
	 * value, the key takes a free node: linked after the main position if the occupant belongs
	 * there, or else the occupant moves to the free node and the key takes its main position.
	 * With no free node left, the table is rebuilt and the key placed in the new layout.
	 */
	private int newKey(LuaValue key) {
		if (weakKeys)
			key = weaken(key);
		if (nodeKeys.length == 0) {
			rehash(key);
			return setSlot(strong(key));
		}
		int mp = mainPosition(key);
		if (nodeValue(mp) != null) {
			int free = freePosition();
			if (free < 0) {
				rehash(key);
				return setSlot(strong(key));
			}
			int other = mainPosition(nodeKeys[mp]);
			if (other != mp) {
				while (nodeNext[other] != mp)
					other = nodeNext[other];
				nodeNext[other] = free;
				nodeKeys[free] = nodeKeys[mp];
				nodeValues[free] = nodeValues[mp];
				nodeNext[free] = nodeNext[mp];
				nodeNext[mp] = -1;
				nodeValues[mp] = null;
			} else {
				nodeNext[free] = nodeNext[mp];
				nodeNext[mp] = free;
				mp = free;
			}
		}
		nodeKeys[mp] = key;
		return mp;
	}

	/** The next node down that has never held a key (Lua's getfreepos), or -1. */
	private int freePosition() {
		while (lastFree > 0) {
			if (nodeKeys[--lastFree] == null)
				return lastFree;
		}
		return -1;
	}

	// ---- rebuilding (Lua's rehash, computesizes and resize)

	/**
	 * Rebuilds the table for its live keys plus {@code extra}. The array part gets the largest
	 * power of two n such that more than n/2 of the keys 1..n are present; the hash part room for
	 * every other key. Keys assigned nil are not counted, and so are dropped.
	 */
	private void rehash(LuaValue extra) {
		int[] nums = new int[MAXBITS + 1];
		int nasize = countArray(nums);
		int total = nasize;
		for (int i = nodeKeys.length - 1; i >= 0; i--) {
			if (nodeValue(i) != null) {
				nasize += countInteger(nodeKeys[i], nums);
				total++;
			}
		}
		nasize += countInteger(extra, nums);
		total++;
		int a = 0;
		int na = 0;
		int n = 0;
		for (int i = 0, twotoi = 1; twotoi / 2 < nasize && i <= MAXBITS; i++, twotoi *= 2) {
			if (nums[i] > 0) {
				a += nums[i];
				if (a > twotoi / 2) {
					n = twotoi;
					na = a;
				}
			}
			if (a == nasize)
				break;
		}
		resize(n, total - na);
	}

	/** Counts the array part's values by slice (2^(i-1), 2^i] into {@code nums}; returns the total. */
	private int countArray(int[] nums) {
		int total = 0;
		int i = 1;
		for (int lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
			int lim = ttlg;
			if (lim > array.length) {
				lim = array.length;
				if (i > lim)
					break;
			}
			int c = 0;
			for (; i <= lim; i++)
				if (arrayValue(i - 1) != null)
					c++;
			nums[lg] += c;
			total += c;
		}
		return total;
	}

	private static int countInteger(LuaValue key, int[] nums) {
		int k = key instanceof Weak ? -1 : arrayIndex(key);
		if (k > 0 && k <= MAXASIZE) {
			nums[ceilLog2(k)]++;
			return 1;
		}
		return 0;
	}

	private static int ceilLog2(int x) {
		return 32 - Integer.numberOfLeadingZeros(x - 1);
	}

	/**
	 * New sizes for both parts. The hash part is always new; the array part's vanishing slots are
	 * inserted first, in order, then the old nodes' live entries from the last node to the first,
	 * each through the ordinary insertion (which is why a rebuild reorders keys).
	 */
	private void resize(int nasize, int nhsize) {
		LuaValue[] oldArray = array;
		LuaValue[] oldKeys = nodeKeys;
		LuaValue[] oldValues = nodeValues;
		if (nasize > oldArray.length)
			array = Arrays.copyOf(oldArray, nasize);
		setNodeVector(nhsize);
		if (nasize < oldArray.length) {
			array = Arrays.copyOf(oldArray, nasize);
			for (int i = nasize; i < oldArray.length; i++) {
				if (live(oldArray[i]))
					reinsert(LuaInteger.valueOf(i + 1), oldArray[i]);
			}
		}
		for (int i = oldKeys.length - 1; i >= 0; i--) {
			if (live(oldValues[i]) && live(oldKeys[i]))
				reinsert(oldKeys[i], oldValues[i]);
		}
	}

	/** Puts an entry back during a rebuild, keeping the weak wrappers it already has. */
	private void reinsert(LuaValue key, LuaValue value) {
		int slot = setSlot(strong(key));
		if (slot >= 0) {
			if (key instanceof Weak)
				nodeKeys[slot] = key;
			nodeValues[slot] = value;
		} else {
			array[-slot - 1] = value;
		}
	}

	/**
	 * Cinnabar: makes this table hold {@code source}'s entries, and nothing else, in
	 * {@code source}'s very layout, each value passed through {@code map}, so that next and pairs
	 * visit the copy in the source's order (a copy filled key by key in that order lays out
	 * otherwise). Not for weak tables; the metatable is not copied.
	 */
	public void copyLayoutOf(LuaTable source, java.util.function.UnaryOperator<LuaValue> map) {
		if (source.weakKeys || source.weakValues)
			throw new IllegalArgumentException("a weak table");
		array = new LuaValue[source.array.length];
		for (int i = 0; i < array.length; i++)
			array[i] = source.array[i] == null ? null : map.apply(source.array[i]);
		nodeKeys = source.nodeKeys.length == 0 ? NOVALS : source.nodeKeys.clone();
		nodeValues = source.nodeValues.length == 0 ? NOVALS : new LuaValue[source.nodeValues.length];
		for (int i = 0; i < nodeValues.length; i++)
			nodeValues[i] = source.nodeValues[i] == null ? null : map.apply(source.nodeValues[i]);
		nodeNext = source.nodeNext.length == 0 ? NO_LINKS : source.nodeNext.clone();
		lastFree = source.lastFree;
	}

	private void setNodeVector(int size) {
		if (size <= 0) {
			nodeKeys = NOVALS;
			nodeValues = NOVALS;
			nodeNext = NO_LINKS;
			lastFree = 0;
			return;
		}
		int lsize = ceilLog2(size);
		if (lsize > MAXBITS)
			throw new LuaError("table overflow", 0);
		size = 1 << lsize;
		nodeKeys = new LuaValue[size];
		nodeValues = new LuaValue[size];
		nodeNext = new int[size];
		Arrays.fill(nodeNext, -1);
		lastFree = size;
	}

	// ---- reading stored entries (weak ones read as nil once collected)

	private LuaValue arrayValue(int i) {
		LuaValue v = array[i];
		return v instanceof Weak ? ((Weak) v).get() : v;
	}

	/** A node's value, or null if it is nil or its key or value has been collected. */
	private LuaValue nodeValue(int n) {
		LuaValue v = nodeValues[n];
		if (v == null)
			return null;
		if (v instanceof Weak) {
			v = ((Weak) v).get();
			if (v == null)
				return null;
		}
		LuaValue k = nodeKeys[n];
		return k instanceof Weak && ((Weak) k).get() == null ? null : v;
	}

	private LuaValue nodeKey(int n) {
		return strong(nodeKeys[n]);
	}

	private static LuaValue orNil(LuaValue v) {
		return v != null ? v : NIL;
	}

	private static boolean live(LuaValue v) {
		return v != null && (!(v instanceof Weak) || ((Weak) v).get() != null);
	}

	private static LuaValue strong(LuaValue v) {
		return v instanceof Weak ? ((Weak) v).get() : v;
	}

	// ---- weak tables

	/** A reference a weak table holds to a collectable key or value. */
	private static final class Weak extends LuaValue {
		private final WeakReference<LuaValue> ref;
		/** The referent's identity hash, its main position once it is gone. */
		final int hash;

		Weak(LuaValue v) {
			ref = new WeakReference<LuaValue>(v);
			hash = System.identityHashCode(v);
		}

		LuaValue get() {
			return ref.get();
		}

		public int type() {
			return TNIL;
		}

		public String typename() {
			return "weak reference";
		}
	}

	private static LuaValue weaken(LuaValue v) {
		switch (v.type()) {
		case TTABLE:
		case TFUNCTION:
		case TUSERDATA:
		case TTHREAD:
			return new Weak(v);
		default:
			return v;
		}
	}

	/** After __mode changed: every stored key and value wrapped or unwrapped in place. */
	private void rewrapEntries() {
		for (int i = 0; i < array.length; i++)
			if (array[i] != null)
				array[i] = rewrap(array[i], weakValues);
		for (int i = 0; i < nodeKeys.length; i++) {
			if (nodeKeys[i] != null)
				nodeKeys[i] = rewrap(nodeKeys[i], weakKeys);
			if (nodeValues[i] != null)
				nodeValues[i] = rewrap(nodeValues[i], weakValues);
		}
	}

	private static LuaValue rewrap(LuaValue v, boolean weak) {
		if (v instanceof Weak) {
			if (weak)
				return v;
			LuaValue s = ((Weak) v).get();
			// a collected referent stays a dead wrapper: the entry reads as nil either way
			return s != null ? s : v;
		}
		return weak ? weaken(v) : v;
	}

	// ----------------- sort support -----------------------------

	/**
	 * Sort the elements 1..#t using a comparator (or the &lt; operator). The scripting layer's
	 * table.sort is Lua 5.1's own quicksort; this one serves LuaJ's library callers.
	 * @param comparator {@link LuaValue} to be called to compare elements.
	 */
	public void sort(final LuaValue comparator) {
		int n = rawlen();
		LuaValue[] values = new LuaValue[n];
		for (int i = 0; i < n; i++)
			values[i] = rawget(i + 1);
		Arrays.sort(values, (a, b) -> {
			boolean ab = comparator.isnil() ? a.lt_b(b) : comparator.call(a, b).toboolean();
			if (ab)
				return -1;
			boolean ba = comparator.isnil() ? b.lt_b(a) : comparator.call(b, a).toboolean();
			return ba ? 1 : 0;
		});
		for (int i = 0; i < n; i++)
			rawset(i + 1, values[i]);
	}

	/** This may be deprecated in a future release.
	 * It is recommended to count via iteration over next() instead
	 * @return count of keys in the table
	 * */
	public int keyCount() {
		LuaValue k = LuaValue.NIL;
		for (int i = 0; true; i++) {
			Varargs n = next(k);
			if ((k = n.arg1()).isnil())
				return i;
		}
	}

	/** This may be deprecated in a future release.
	 * It is recommended to use next() instead
	 * @return array of keys in the table
	 * */
	public LuaValue[] keys() {
		List<LuaValue> l = new ArrayList<LuaValue>();
		LuaValue k = LuaValue.NIL;
		while (true) {
			Varargs n = next(k);
			if ((k = n.arg1()).isnil())
				break;
			l.add(k);
		}
		return l.toArray(new LuaValue[0]);
	}

	// equality w/ metatable processing
	public LuaValue eq(LuaValue val) {
		return eq_b(val) ? TRUE : FALSE;
	}

	public boolean eq_b(LuaValue val) {
		if (this == val)
			return true;
		if (m_metatable == null || !val.istable())
			return false;
		LuaValue valmt = val.getmetatable();
		return valmt != null && LuaValue.eqmtcall(this, m_metatable.toLuaValue(), val, valmt);
	}

	/** Unpack all the elements of this table */
	public Varargs unpack() {
		return unpack(1, this.rawlen());
	}

	/** Unpack all the elements of this table from element i */
	public Varargs unpack(int i) {
		return unpack(i, this.rawlen());
	}

	/** Unpack the elements from i to j inclusive */
	public Varargs unpack(int i, int j) {
		int n = j + 1 - i;
		switch (n) {
		case 0:
			return NONE;
		case 1:
			return get(i);
		case 2:
			return varargsOf(get(i), get(i + 1));
		default:
			if (n < 0)
				return NONE;
			LuaValue[] v = new LuaValue[n];
			while (--n >= 0)
				v[n] = get(i + n);
			return varargsOf(v);
		}
	}

	// Metatable interface: a table used as a plain metatable

	public boolean useWeakKeys() {
		return false;
	}

	public boolean useWeakValues() {
		return false;
	}

	public LuaValue toLuaValue() {
		return this;
	}
}
