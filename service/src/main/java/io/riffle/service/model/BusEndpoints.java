package io.riffle.service.model;

import io.riffle.api.ApiException;
import io.riffle.api.Example;
import io.riffle.api.ExampleBatch;
import io.riffle.api.Json;
import io.riffle.api.PredictRequest;
import io.riffle.service.ingest.IngestPipeline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The event-bus face of each model:
 *
 * <ul>
 *   <li>{@code riffle.examples.<model>} takes one example (a {@link JsonObject} in the wire
 *       format), several (a {@link JsonArray} of them) or, from senders in the same JVM, an {@link
 *       ExampleBatch} (with the {@link ExampleBatchCodec}, by reference); it replies {@code
 *       {"accepted", "rejected", "errors", "version"}} once they are learned;
 *   <li>{@code riffle.predict.<model>} takes a predict request as a {@link JsonObject} and replies
 *       the prediction as {@code POST /v1/models/{name}/predict} does.
 * </ul>
 *
 * A refused message is answered with a failure whose code is the problem's HTTP status and whose
 * message is its detail.
 */
public final class BusEndpoints {
  private final Vertx vertx;
  private final IngestPipeline ingest;
  private final PredictService predictions;

  public BusEndpoints(Vertx vertx, IngestPipeline ingest, PredictService predictions) {
    this.vertx = vertx;
    this.ingest = ingest;
    this.predictions = predictions;
    vertx.eventBus().registerDefaultCodec(ExampleBatch.class, new ExampleBatchCodec());
  }

  /** Address of a model's example intake. */
  public static String examplesAddress(String model) {
    return "riffle.examples." + model;
  }

  /** Address of a model's predictions. */
  public static String predictAddress(String model) {
    return "riffle.predict." + model;
  }

  /** Registers the consumers of {@code rt}; the returned consumers are unregistered on delete. */
  public List<MessageConsumer<?>> register(ModelRuntime rt) {
    List<MessageConsumer<?>> cs = new ArrayList<>();
    cs.add(vertx.eventBus().consumer(examplesAddress(rt.name()), m -> examples(rt, m)));
    cs.add(vertx.eventBus().<JsonObject>consumer(predictAddress(rt.name()), m -> predict(rt, m)));
    return cs;
  }

  private void examples(ModelRuntime rt, Message<Object> m) {
    List<Example> list;
    try {
      Object body = m.body();
      if (body instanceof ExampleBatch b) {
        list = b.examples();
      } else if (body instanceof JsonObject o) {
        list = List.of(read(o));
      } else if (body instanceof JsonArray a) {
        list = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
          list.add(read(a.getJsonObject(i)));
        }
      } else {
        m.fail(400, "riffle.examples takes a JSON object, a JSON array or an ExampleBatch");
        return;
      }
    } catch (ApiException e) {
      m.fail(e.type().status(), e.getMessage());
      return;
    } catch (ClassCastException e) {
      m.fail(400, "every element of the array must be an example object");
      return;
    }
    Future<IngestPipeline.Result> f = ingest.submit(rt.name(), list, null, List.of(), "bus");
    f.onSuccess(r -> m.reply(new JsonObject(Json.mapper().convertValue(r.toMap(), Map.class))))
        .onFailure(
            e -> m.fail(e instanceof ApiException a ? a.type().status() : 500, e.getMessage()));
  }

  private static Example read(JsonObject o) {
    byte[] bytes = o.toBuffer().getBytes();
    return Json.read(bytes, 0, bytes.length, Example.class);
  }

  private void predict(ModelRuntime rt, Message<JsonObject> m) {
    try {
      byte[] bytes = m.body().toBuffer().getBytes();
      PredictRequest req = Json.read(bytes, 0, bytes.length, PredictRequest.class).validate();
      Map<String, Object> out = predictions.predict(rt, req);
      m.reply(new JsonObject(Json.mapper().convertValue(out, Map.class)));
    } catch (ApiException e) {
      m.fail(e.type().status(), e.getMessage());
    }
  }

  /**
   * Codec of {@link ExampleBatch}: by reference inside the JVM, JSON bytes on the wire (a clustered
   * event bus).
   */
  public static final class ExampleBatchCodec implements MessageCodec<ExampleBatch, ExampleBatch> {
    @Override
    public void encodeToWire(Buffer buffer, ExampleBatch b) {
      try {
        byte[] bytes = Json.mapper().writeValueAsBytes(b);
        buffer.appendInt(bytes.length).appendBytes(bytes);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException(e);
      }
    }

    @Override
    public ExampleBatch decodeFromWire(int pos, Buffer buffer) {
      int len = buffer.getInt(pos);
      byte[] bytes = buffer.getBytes(pos + 4, pos + 4 + len);
      return Json.read(bytes, 0, len, ExampleBatch.class);
    }

    @Override
    public ExampleBatch transform(ExampleBatch b) {
      return b;
    }

    @Override
    public String name() {
      return "riffle-example-batch";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
