/*
 * Cinnabar: this class replaces LuaJ 3.0.1's org.luaj.vm2.WeakTable (MIT licence, below), shadowing
 * the jar's copy. It only says which parts of a table are weak: the replacement LuaTable holds its
 * weak keys and values itself, in Lua 5.1's layout.
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

/** The metatable of a table whose __mode makes its keys, its values or both weak. */
public class WeakTable implements Metatable {

	private final boolean weakkeys;
	private final boolean weakvalues;
	private final LuaValue backing;

	/**
	 * Construct a table with weak keys, weak values, or both
	 * @param weakkeys true to let the table have weak keys
	 * @param weakvalues true to let the table have weak values
	 * @return {@link LuaTable} with the requested weakness
	 */
	public static LuaTable make(boolean weakkeys, boolean weakvalues) {
		LuaString mode;
		if (weakkeys && weakvalues) {
			mode = LuaString.valueOf("kv");
		} else if (weakkeys) {
			mode = LuaString.valueOf("k");
		} else if (weakvalues) {
			mode = LuaString.valueOf("v");
		} else {
			return LuaTable.tableOf();
		}
		LuaTable table = LuaTable.tableOf();
		LuaTable mt = LuaTable.tableOf(new LuaValue[] { LuaValue.MODE, mode });
		table.setmetatable(mt);
		return table;
	}

	public WeakTable(boolean weakkeys, boolean weakvalues, LuaValue backing) {
		this.weakkeys = weakkeys;
		this.weakvalues = weakvalues;
		this.backing = backing;
	}

	public boolean useWeakKeys() {
		return weakkeys;
	}

	public boolean useWeakValues() {
		return weakvalues;
	}

	public LuaValue toLuaValue() {
		return backing;
	}
}
