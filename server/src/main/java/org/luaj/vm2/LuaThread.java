/*
 * Cinnabar: this file is LuaJ 3.0.1's org.luaj.vm2.LuaThread (MIT licence, kept below), shadowing the
 * class of the luaj-jse jar (the server's shade configuration drops the jar's copy). LuaJ runs each
 * coroutine on a Java thread of its own; Lua's cost a few hundred bytes. Changes, so that a script
 * cannot take the machine's threads or leave the engine: at most MAX_SUSPENDED coroutines hold a
 * thread at once (a script of 40,000 suspended coroutines took 60 s and the machine's process
 * limit, where Redis takes 20 ms); the coroutines a script leaves suspended are ended when it ends
 * ({@link #endRun}); work that must run on the thread that resumed (the engine's: the
 * busy-script check, redis.call) is handed to it ({@link #runOnResumer}); a coroutine's error
 * keeps its value (LuaJ kept its message as a string, so error({}) came back as "table: ...");
 * what ends a script (SCRIPT KILL) ends it past the coroutine too; "cannot resume running
 * coroutine" names the status as Lua 5.1 does. The two threads hand over by a volatile turn,
 * spinning before they park, not by a monitor's wait and notify, and coroutine threads are pooled.
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

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

	private static final AtomicLong runs = new AtomicLong();
	/** The script run a thread that is no coroutine's runs now, 0 for none (see {@link #beginRun}). */
	private static final ThreadLocal<long[]> RUN = ThreadLocal.withInitial(() -> new long[1]);

	/**
	 * The value a failure inside a coroutine gives its resumer (false, value), or null for a
	 * failure that must go on past the coroutine (a killed script). Set by the scripting layer.
	 */
	public static volatile BiFunction<Globals, Throwable, LuaValue> errorValues = (g, t) ->
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

	/** Assigned when first printed (see dev.cinnabar.server.lua.LuaAddresses). */
	private long address;

	public String tojstring() {
		if (address == 0)
			address = dev.cinnabar.server.lua.LuaAddresses.next();
		return dev.cinnabar.server.lua.LuaAddresses.format("thread", address);
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

	/**
	 * Lua 5.1's LUAI_MAXCCALLS: calls of Lua from C (pcall, a sort's comparator, a resume) nest
	 * 200 deep at most, past which they fail with "C stack overflow". It also ends a recursion
	 * through them long before the Java stack would (a comparator sorting again in each call ran
	 * for good here, where Redis stops at the 200th).
	 */
	static final int MAX_C_CALLS = 200;
	/** The C-call depth of a thread that is no coroutine's: 1 while a script runs (Redis calls it from C). */
	private static final ThreadLocal<int[]> MAIN_C_CALLS = ThreadLocal.withInitial(() -> new int[1]);

	/**
	 * Before a library function calls Lua (pcall, table.sort's comparator, gsub's replacement),
	 * as luaD_call: one C call deeper, or "C stack overflow" (raised, without a position, with
	 * nothing to undo); a coroutine cannot yield from in there. {@link #exitLibraryCall} after.
	 */
	private static void enterLibraryCall() {
		State s = CURRENT.get();
		if (s != null) {
			if (++s.cCalls >= MAX_C_CALLS) {
				s.cCalls--;
				throw new LuaError("C stack overflow", 0);
			}
		} else {
			int[] c = MAIN_C_CALLS.get();
			if (++c[0] >= MAX_C_CALLS) {
				c[0]--;
				throw new LuaError("C stack overflow", 0);
			}
		}
	}

	private static void exitLibraryCall() {
		State s = CURRENT.get();
		if (s != null) {
			s.cCalls--;
		} else {
			MAIN_C_CALLS.get()[0]--;
		}
	}

	/** {@code f(args)} called from a library function, one C call deeper (see {@link #enterLibraryCall}). */
	public static Varargs invokeFromLibrary(LuaValue f, Varargs args) {
		enterLibraryCall();
		try {
			return f.invoke(args);
		} finally {
			exitLibraryCall();
		}
	}

	/** {@code f(a, b)} called from a library function, without packing the arguments. */
	public static LuaValue callFromLibrary(LuaValue f, LuaValue a, LuaValue b) {
		enterLibraryCall();
		try {
			return f.call(a, b);
		} finally {
			exitLibraryCall();
		}
	}

	/** This thread's C-call depth: a coroutine's, or that of a thread that is none's. */
	private static int cCalls() {
		State s = CURRENT.get();
		return s != null ? s.cCalls : MAIN_C_CALLS.get()[0];
	}

	/** Whether the running code may yield: inside a coroutine, with no library call in between. */
	public static boolean yieldable() {
		State s = CURRENT.get();
		return s != null && s.cCalls == s.baseCCalls;
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
	 * A script run begins on this thread: the coroutines it starts, and those they start, are
	 * the run's, which {@link #endRun} ends. Numbers are unique in the process, where several
	 * servers (each an engine thread) may run scripts at once.
	 */
	public static long beginRun() {
		long id = runs.incrementAndGet();
		RUN.get()[0] = id;
		MAIN_C_CALLS.get()[0] = 1;
		return id;
	}

	/** The run {@link #beginRun} began is over: its coroutines still suspended end. */
	public static void endRun(long run) {
		RUN.get()[0] = 0;
		MAIN_C_CALLS.get()[0] = 0;
		abandonStartedIn(run);
	}

	/**
	 * Ends the coroutines started during script run {@code run} that are still suspended: their
	 * threads end now, not when the collector finds them unreachable (a generator left unfinished
	 * by each call of a function would otherwise hold a thread per call). An EVAL's coroutines
	 * cannot outlive it anyway; a function's could, in its library's locals, and are ended too.
	 */
	private static void abandonStartedIn(long run) {
		for (State s : startedStates) {
			if (s.run == run) {
				s.abandon();
			}
		}
	}

	public static class State implements Runnable {
		/** Whose turn it is: the thread that resumed, or the coroutine's own. */
		private static final int RESUMER = 0, COROUTINE = 1;
		/**
		 * Spins before a handoff blocks (at most a few hundred microseconds): a coroutine usually
		 * yields within microseconds, and parking each side (two futex calls a switch) made a
		 * resume and its yield cost 10-50 us, where they cost 0.3-0.4 us spinning (100k of them
		 * in a generator loop: 0.03-0.04 s, Redis 0.01-0.02 s, on this project's 2-vCPU machine).
		 */
		private static final int SPINS = 10000;

		private final Globals globals;
		final WeakReference lua_thread;
		public final LuaValue function;
		Varargs args = LuaValue.NONE;
		Varargs result = LuaValue.NONE;
		/** The error value of a coroutine that failed (false, value). */
		LuaValue error = null;
		/** What ended the coroutine and must go on in its resumer. */
		Throwable abort = null;
		/**
		 * The handoff: the fields above (and the task's) are written before it changes and read
		 * after it is seen changed, so it orders them between the two threads.
		 */
		private volatile int turn = RESUMER;
		private volatile Thread resumerThread;
		private volatile Thread coroutineThread;
		/** Work the coroutine's thread asks its resumer to do, and how it went. */
		Runnable task;
		boolean taskPending;
		Throwable taskFailure;
		long run;
		/** The C-call depth now, and at the coroutine's base (its resumer's, plus the resume). */
		int cCalls;
		int baseCCalls;

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

		public void run() {
			CURRENT.set(this);
			coroutineThread = Thread.currentThread();
			boolean orphaned = false;
			try {
				Varargs a = this.args;
				this.args = LuaValue.NONE;
				this.result = function.invoke(a);
			} catch (OrphanedThread o) {
				orphaned = true; // abandoned while suspended: nobody waits for it
			} catch (Throwable t) {
				LuaValue v = errorValues.apply(globals, t);
				if (v != null) {
					this.error = v;
				} else {
					this.abort = t;
				}
			} finally {
				CURRENT.remove();
				coroutineThread = null;
				this.status = LuaThread.STATUS_DEAD;
				startedStates.remove(this);
				started.decrementAndGet();
				Thread.interrupted(); // the pooled thread goes back clean
				if (!orphaned) {
					handTo(RESUMER, resumerThread);
				}
			}
		}

		public Varargs lua_resume(LuaThread new_thread, Varargs args) {
			int depth = cCalls();
			if (depth >= MAX_C_CALLS) {
				return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("C stack overflow"));
			}
			if (this.status == STATUS_INITIAL && started.get() >= MAX_SUSPENDED) {
				throw new LuaError("too many coroutines: at most " + MAX_SUSPENDED + " can be suspended at once");
			}
			LuaThread previous_thread = globals.running;
			try {
				globals.running = new_thread;
				this.args = args;
				this.cCalls = this.baseCCalls = depth + 1;
				this.resumerThread = Thread.currentThread();
				boolean first = this.status == STATUS_INITIAL;
				if (previous_thread != null)
					previous_thread.state.status = STATUS_NORMAL;
				this.status = STATUS_RUNNING;
				if (first) {
					State starter = CURRENT.get();
					this.run = starter != null ? starter.run : RUN.get()[0];
					started.incrementAndGet();
					startedStates.add(this);
					this.turn = COROUTINE;
					try {
						THREADS.execute(this);
					} catch (Throwable t) {
						// no thread to be had (the process's limit): the coroutine never started
						startedStates.remove(this);
						started.decrementAndGet();
						this.turn = RESUMER;
						this.status = STATUS_INITIAL;
						throw t;
					}
				} else {
					handTo(COROUTINE, coroutineThread);
				}
				while (true) {
					await(RESUMER, false);
					if (!this.taskPending) {
						break;
					}
					this.taskPending = false;
					try {
						runOnResumer(this.task);
					} catch (Throwable t) {
						this.taskFailure = t;
					}
					handTo(COROUTINE, coroutineThread);
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
			} finally {
				this.args = LuaValue.NONE;
				this.result = LuaValue.NONE;
				this.error = null;
				globals.running = previous_thread;
				if (previous_thread != null)
					globals.running.state.status =STATUS_RUNNING;
			}
		}

		public Varargs lua_yield(Varargs args) {
			this.result = args;
			this.status = STATUS_SUSPENDED;
			handTo(RESUMER, resumerThread);
			await(COROUTINE, true);
			Varargs a = this.args;
			this.args = LuaValue.NONE;
			return a;
		}

		/** On this coroutine's thread: has the resumer run {@code t}, waiting meanwhile. */
		void handToResumer(Runnable t) {
			this.task = t;
			this.taskFailure = null;
			this.taskPending = true;
			handTo(RESUMER, resumerThread);
			await(COROUTINE, false);
			this.task = null;
			Throwable f = this.taskFailure;
			this.taskFailure = null;
			if (f instanceof RuntimeException r) throw r;
			if (f instanceof Error e) throw e;
			if (f != null) throw new LuaError(f);
		}

		private void handTo(int who, Thread thread) {
			this.turn = who;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}

		/**
		 * Waits for {@code who}'s turn: spinning a little, then parked. A suspended coroutine
		 * ({@code suspended}) also ends when abandoned (interrupted) or when its LuaThread is gone.
		 */
		private void await(int who, boolean suspended) {
			for (int i = 0; i < SPINS; i++) {
				if (this.turn == who) {
					return;
				}
				Thread.onSpinWait();
			}
			boolean interrupted = false;
			long orphanCheck = thread_orphan_check_interval * 1_000_000L;
			while (this.turn != who) {
				if (suspended) {
					LockSupport.parkNanos(this, orphanCheck);
					if (Thread.interrupted() || (this.turn != who && this.lua_thread.get() == null)) {
						this.status = STATUS_DEAD;
						throw new OrphanedThread();
					}
				} else {
					LockSupport.park(this);
					interrupted |= Thread.interrupted();
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}

		void abandon() {
			Thread t = coroutineThread;
			if (this.status == STATUS_SUSPENDED && t != null) {
				t.interrupt();
			}
		}
	}

}
