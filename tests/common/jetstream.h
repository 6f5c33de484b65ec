// Reads a JetStream stream back, for the relay's tests.

#ifndef SECONDMENT_TESTS_COMMON_JETSTREAM_H_
#define SECONDMENT_TESTS_COMMON_JETSTREAM_H_

#include <nats/nats.h>

#include <cstdint>
#include <string>

namespace secondment::testing {

// Reads a JetStream stream back.
class JetStreamReader {
 public:
  explicit JetStreamReader(const std::string& url) {
    ok_ = natsConnection_ConnectTo(&connection_, url.c_str()) == NATS_OK &&
          natsConnection_JetStream(&js_, connection_, nullptr) == NATS_OK;
  }
  ~JetStreamReader() {
    if (js_) jsCtx_Destroy(js_);
    if (connection_) natsConnection_Destroy(connection_);
  }
  bool ok() const { return ok_; }
  uint64_t Count(const std::string& stream) {
    jsStreamInfo* info = nullptr;
    jsErrCode code;
    if (js_GetStreamInfo(&info, js_, stream.c_str(), nullptr, &code) != NATS_OK) return 0;
    uint64_t count = info->State.Msgs;
    jsStreamInfo_Destroy(info);
    return count;
  }
  struct Message {
    std::string subject, id, position, stream, data;
  };
  Message Get(const std::string& stream, uint64_t seq) {
    natsMsg* msg = nullptr;
    jsErrCode code;
    Message out;
    if (js_GetMsg(&msg, js_, stream.c_str(), seq, nullptr, &code) != NATS_OK) return out;
    out.subject = natsMsg_GetSubject(msg);
    out.data.assign(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    const char* value = nullptr;
    if (natsMsgHeader_Get(msg, "Nats-Msg-Id", &value) == NATS_OK) out.id = value;
    if (natsMsgHeader_Get(msg, "Secondment-Position", &value) == NATS_OK) out.position = value;
    if (natsMsgHeader_Get(msg, "Secondment-Stream", &value) == NATS_OK) out.stream = value;
    natsMsg_Destroy(msg);
    return out;
  }

 private:
  natsConnection* connection_ = nullptr;
  jsCtx* js_ = nullptr;
  bool ok_ = false;
};

}  // namespace secondment::testing

#endif  // SECONDMENT_TESTS_COMMON_JETSTREAM_H_
