package io.riffle.service.model;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * An object passed by reference between verticles of one JVM (learn batches, learner commands and
 * their replies). Its codec refuses the wire: these messages never leave the process.
 *
 * @param body the payload
 */
public record Local(Object body) {
  /** Codec name. */
  public static final String CODEC = "riffle-local";

  /** The identity codec of {@link Local}. */
  public static final class Codec implements MessageCodec<Local, Local> {
    @Override
    public void encodeToWire(Buffer buffer, Local local) {
      throw new UnsupportedOperationException("riffle-local messages stay in this JVM");
    }

    @Override
    public Local decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("riffle-local messages stay in this JVM");
    }

    @Override
    public Local transform(Local local) {
      return local;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
