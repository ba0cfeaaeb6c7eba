/*
 * Cinnabar: this file is LuaJ 3.0.1's org.luaj.vm2.LuaError (MIT licence, kept below), shadowing the
 * class of the luaj-jse jar (the server's shade configuration drops the jar's copy). Changes, so that
 * messages read as Lua 5.1 writes them: the position is "chunk:line: message" (LuaJ wrote
 * "chunk:line message"), the chunk named as Lua 5.1's luaO_chunkid does ("@user_script" gives
 * "user_script"), and an error raised with level 0 carries no position. Added: {@link #raisedAt()}, and a message the interpreter may rewrite
 * ({@link #setMessageWithoutPosition}) to name the operand of a type error.
 */
/*******************************************************************************
* Copyright (c) 2009-2011 Luaj.org. All rights reserved.
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


/**
 * RuntimeException that is thrown and caught in response to a lua error. 
 * <p>
 * {@link LuaError} is used wherever a lua call to {@code error()} 
 * would be used within a script.
 * <p>
 * Since it is an unchecked exception inheriting from {@link RuntimeException},
 * Java method signatures do notdeclare this exception, althoug it can 
 * be thrown on almost any luaj Java operation.
 * This is analagous to the fact that any lua script can throw a lua error at any time.
 * <p> 
 * The LuaError may be constructed with a message object, in which case the message
 * is the string representation of that object.  getMessageObject will get the object
 * supplied at construct time, or a LuaString containing the message of an object 
 * was not supplied.
 */
public class LuaError extends RuntimeException {
	private static final long serialVersionUID = 1L;
	
	protected int level;
	
	protected String fileline;
	
	protected String traceback;
	
	protected Throwable cause;

	private LuaValue object;
	
	/** Get the string message if it was supplied, or a string 
	 * representation of the message object if that was supplied.
	 */
	/** The message as rewritten by {@link #setMessageWithoutPosition}, or null. */
	private String rewritten;

	/** The message before a position is added. */
	public String getMessageWithoutPosition() {
		return rewritten != null ? rewritten : super.getMessage();
	}

	/** Replaces the message (not its position): the interpreter names the operand of a type error. */
	public void setMessageWithoutPosition(String m) {
		rewritten = m;
	}

	public String getMessage() {
		if (traceback != null)
			return traceback;
		String m = getMessageWithoutPosition();
		if (m == null)
			return null;
		if (fileline != null && level > 0)
			return dev.cinnabar.server.lua.LuaErrors.position(fileline) + m;
		return m;
	}

	/** Get the LuaValue that was provided in the constructor, or 
	 * a LuaString containing the message if it was a string error argument.
	 * @return LuaValue which was used in the constructor, or a LuaString
	 * containing the message.
	 */
	/** Cinnabar: whether a Lua function has already given this error its position (or traceback). */
	/**
	 * Where the innermost Lua function was when the error was raised ("chunk:line"), whatever its
	 * level and even when the message carries no position; null until it passes a Lua frame.
	 */
	String raisedAt;

	public String raisedAt() {
		return raisedAt;
	}

	public boolean hasPosition() {
		return fileline != null || traceback != null;
	}

	public LuaValue getMessageObject() {
		if (object != null) return object;
		String m = getMessage();
		return m != null ? LuaValue.valueOf(m): null;
	}
	
	/** Construct LuaError when a program exception occurs. 
	 * <p> 
	 * All errors generated from lua code should throw LuaError(String) instead.
	 * @param cause the Throwable that caused the error, if known.  
	 */
	public LuaError(Throwable cause) {
		super( "vm error: "+cause );
		this.cause = cause;
		this.level = 1;
	}

	/**
	 * Construct a LuaError with a specific message.  
	 *  
	 * @param message message to supply
	 */
	public LuaError(String message) {
		super( dev.cinnabar.server.lua.LuaErrors.translate(message) );
		this.level = 1;
	}		

	/**
	 * Construct a LuaError with a message, and level to draw line number information from.
	 * @param message message to supply
	 * @param level where to supply line info from in call stack
	 */
	public LuaError(String message, int level) {
		super( message );
		this.level = level;
	}	

	/**
	 * Construct a LuaError with a LuaValue as the message object,
	 * and level to draw line number information from.
	 * @param message_object message string or object to supply
	 */
	public LuaError(LuaValue message_object) {
		super( message_object.tojstring() );
		this.object = message_object;
		this.level = 1;
	}	


	/** 
	 * Get the cause, if any.
	 */
	public Throwable getCause() {
		return cause;
	}


}
