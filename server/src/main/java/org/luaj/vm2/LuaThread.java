/*
 * Cinnabar: this file is LuaJ 3.0.1's org.luaj.vm2.LuaThread (MIT licence, kept below), shadowing the
 * class of the luaj-jse jar (the server's shade configuration drops the jar's copy). LuaJ runs each
 * coroutine on a Java thread of its own; Lua's cost a few hundred bytes. Changes, so that a script
 * cannot take the machine's threads or leave the engine: at most MAX_SUSPENDED coroutines hold a
 * thread at once (a script of 40,000 suspended coroutines took 60 s and the machine's process
 * limit, where Redis takes 20 ms); the coroutines a script leaves suspended are ended when it ends
 * ({@link #abandonStartedIn}); work that must run on the thread that resumed (the engine's: the
 * busy-script check, redis.call) is handed to it ({@link #runOnResumer}); a coroutine's error
 * keeps its value (LuaJ kept its message as a string, so error({}) came back as "table: ...");
 * what ends a script (SCRIPT KILL) ends it past the coroutine too; "cannot resume running
 * coroutine" names the status as Lua 5.1 does.
 */
/*******************************************************************************
* Copyright (c) 2007-2012 LuaJ. All rights reserved.
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Lua coroutine, run on a Java thread of its own once resumed. The resuming thread waits while
 * the coroutine runs, so only one of them runs at a time.
 */
public class LuaThread extends LuaValue {

	public static LuaValue s_metatable;

	public static int coroutine_count = 0;

	/** How often a suspended coroutine's thread checks whether its LuaThread is gone (ms). */
	public static long thread_orphan_check_interval = 5000;

	public static final int STATUS_INITIAL       = 0;
	public static final int STATUS_SUSPENDED     = 1;
	public static final int STATUS_RUNNING       = 2;
	public static final int STATUS_NORMAL        = 3;
	public static final int STATUS_DEAD          = 4;
	public static final String[] STATUS_NAMES = {
		"suspended",
		"suspended",
		"running",
		"normal",
		"dead",};

	/** Coroutines holding a Java thread (started, not finished) at most, in the whole process. */
	public static final int MAX_SUSPENDED = 1000;

	private static final AtomicInteger started = new AtomicInteger();
	private static final Set<State> startedStates = ConcurrentHashMap.newKeySet();
	/**
	 * The threads coroutines run on, kept a while once their coroutine ends: a script that runs
	 * many short coroutines one after another (generators in a loop) would otherwise start a
	 * thread for each, a hundred times what the coroutine costs. An idle one ends after a second.
	 */
	private static final ThreadPoolExecutor THREADS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
		new SynchronousQueue<>(), r -> {
			Thread t = new Thread(r, "Coroutine-" + (++coroutine_count));
			t.setDaemon(true);
			return t;
		});

	/** The coroutine whose Java thread this is; unset on threads that are no coroutine's. */
	private static final ThreadLocal<State> CURRENT = new ThreadLocal<>();

	/** The script run coroutines started now belong to (see {@link #abandonStartedIn}). */
	public static volatile long currentRun;

	/**
	 * The value a failure inside a coroutine gives its resumer (false, value), or null for a
	 * failure that must go on past the coroutine (a killed script). Set by the scripting layer.
	 */
	public static volatile Function<Throwable, LuaValue> errorValues = t ->
		t instanceof LuaError e ? e.getMessageObject() : null;

	public final State state;

	public static final int        MAX_CALLSTACK = 256;

	public Object callstack;

	public final Globals globals;

	public LuaValue errorfunc;

	public LuaThread(Globals globals) {
		state = new State(globals, this, null);
		state.status = STATUS_RUNNING;
		this.globals = globals;
	}

	public LuaThread(Globals globals, LuaValue func) {
		LuaValue.assert_(func != null, "function cannot be null");
		state = new State(globals, this, func);
		this.globals = globals;
	}

	public int type() {
		return LuaValue.TTHREAD;
	}

	public String typename() {
		return "thread";
	}

	public boolean isthread() {
		return true;
	}

	public LuaThread optthread(LuaThread defval) {
		return this;
	}

	public LuaThread checkthread() {
		return this;
	}

	public LuaValue getmetatable() {
		return s_metatable;
	}

	public String getStatus() {
		return STATUS_NAMES[state.status];
	}

	public boolean isMainThread() {
		return this.state.function == null;
	}

	public Varargs resume(Varargs args) {
		final LuaThread.State s = this.state;
		if (s.status > LuaThread.STATUS_SUSPENDED)
			return LuaValue.varargsOf(LuaValue.FALSE,
					LuaValue.valueOf("cannot resume " + STATUS_NAMES[s.status] + " coroutine"));
		return s.lua_resume(this, args);
	}

	/** Coroutines holding a thread now (started and not finished). */
	public static int startedCount() {
		return started.get();
	}

	/** Whether this Java thread is a coroutine's (work for the engine is then handed outwards). */
	public static boolean runsCoroutine() {
		return CURRENT.get() != null;
	}

	/**
	 * Runs {@code task} on the thread that resumed the running coroutine, and so on outwards to
	 * the thread that is no coroutine's (the engine's), and rethrows here what it threw; on that
	 * thread itself, just runs it.
	 */
	public static void runOnResumer(Runnable task) {
		State s = CURRENT.get();
		if (s == null) {
			task.run();
		} else {
			s.handToResumer(task);
		}
	}

	/**
	 * Ends the coroutines started during script run {@code run} that are still suspended: their
	 * threads end now, not when the collector finds them unreachable (a generator left unfinished
	 * by each call of a function would otherwise hold a thread per call). An EVAL's coroutines
	 * cannot outlive it anyway; a function's could, in its library's locals, and are ended too.
	 */
	public static void abandonStartedIn(long run) {
		for (State s : startedStates) {
			if (s.run == run) {
				s.abandon();
			}
		}
	}

	public static class State implements Runnable {
		private final Globals globals;
		final WeakReference lua_thread;
		public final LuaValue function;
		Varargs args = LuaValue.NONE;
		Varargs result = LuaValue.NONE;
		/** The error value of a coroutine that failed (false, value). */
		LuaValue error = null;
		/** What ended the coroutine and must go on in its resumer. */
		Throwable abort = null;
		/** Set by the coroutine's thread when it yields or ends: the resumer goes on. */
		boolean handedBack;
		/** Work the coroutine's thread asks its resumer to do, and how it went. */
		Runnable task;
		boolean taskDone;
		Throwable taskFailure;
		long run;
		Thread javaThread;

		public LuaValue hookfunc;

		public boolean hookline;
		public boolean hookcall;
		public boolean hookrtrn;
		public int hookcount;
		public boolean inhook;
		public int lastline;
		public int bytecodes;

		public int status = LuaThread.STATUS_INITIAL;

		State(Globals globals, LuaThread lua_thread, LuaValue function) {
			this.globals = globals;
			this.lua_thread = new WeakReference(lua_thread);
			this.function = function;
		}

		public synchronized void run() {
			CURRENT.set(this);
			javaThread = Thread.currentThread();
			try {
				Varargs a = this.args;
				this.args = LuaValue.NONE;
				this.result = function.invoke(a);
			} catch (OrphanedThread o) {
				// abandoned while suspended: nobody waits for it
			} catch (Throwable t) {
				LuaValue v = errorValues.apply(t);
				if (v != null) {
					this.error = v;
				} else {
					this.abort = t;
				}
			} finally {
				CURRENT.remove();
				javaThread = null;
				this.status = LuaThread.STATUS_DEAD;
				this.handedBack = true;
				startedStates.remove(this);
				started.decrementAndGet();
				this.notifyAll();
			}
		}

		public synchronized Varargs lua_resume(LuaThread new_thread, Varargs args) {
			if (this.status == STATUS_INITIAL && started.get() >= MAX_SUSPENDED) {
				throw new LuaError("too many coroutines: at most " + MAX_SUSPENDED + " can be suspended at once");
			}
			LuaThread previous_thread = globals.running;
			try {
				globals.running = new_thread;
				this.args = args;
				this.handedBack = false;
				if (this.status == STATUS_INITIAL) {
					this.status = STATUS_RUNNING;
					this.run = currentRun;
					started.incrementAndGet();
					startedStates.add(this);
					THREADS.execute(this);
				} else {
					this.notifyAll();
				}
				if (previous_thread != null)
					previous_thread.state.status = STATUS_NORMAL;
				this.status = STATUS_RUNNING;
				while (!this.handedBack) {
					this.wait();
					if (this.task != null && !this.taskDone) {
						try {
							runOnResumer(this.task);
						} catch (Throwable t) {
							this.taskFailure = t;
						}
						this.taskDone = true;
						this.notifyAll();
					}
				}
				if (this.abort != null) {
					Throwable t = this.abort;
					this.abort = null;
					if (t instanceof RuntimeException r) throw r;
					if (t instanceof Error e) throw e;
					throw new LuaError(t);
				}
				return (this.error != null?
					LuaValue.varargsOf(LuaValue.FALSE, this.error):
					LuaValue.varargsOf(LuaValue.TRUE, this.result));
			} catch (InterruptedException ie) {
				throw new OrphanedThread();
			} finally {
				this.args = LuaValue.NONE;
				this.result = LuaValue.NONE;
				this.error = null;
				globals.running = previous_thread;
				if (previous_thread != null)
					globals.running.state.status =STATUS_RUNNING;
			}
		}

		public synchronized Varargs lua_yield(Varargs args) {
			try {
				this.result = args;
				this.status = STATUS_SUSPENDED;
				this.handedBack = true;
				this.notifyAll();
				do {
					this.wait(thread_orphan_check_interval);
					if (this.lua_thread.get() == null) {
						this.status = STATUS_DEAD;
						throw new OrphanedThread();
					}
				} while (this.status == STATUS_SUSPENDED);
				return this.args;
			} catch (InterruptedException ie) {
				this.status = STATUS_DEAD;
				throw new OrphanedThread();
			} finally {
				this.args = LuaValue.NONE;
				this.result = LuaValue.NONE;
			}
		}

		/** On this coroutine's thread: has the resumer run {@code t}, waiting meanwhile. */
		synchronized void handToResumer(Runnable t) {
			this.task = t;
			this.taskDone = false;
			this.taskFailure = null;
			this.notifyAll();
			try {
				while (!this.taskDone) {
					this.wait();
				}
			} catch (InterruptedException ie) {
				this.status = STATUS_DEAD;
				throw new OrphanedThread();
			} finally {
				this.task = null;
			}
			Throwable f = this.taskFailure;
			this.taskFailure = null;
			if (f instanceof RuntimeException r) throw r;
			if (f instanceof Error e) throw e;
			if (f != null) throw new LuaError(f);
		}

		synchronized void abandon() {
			if (this.status == STATUS_SUSPENDED && javaThread != null) {
				javaThread.interrupt();
			}
		}
	}

}
