#ifndef KEPU_CKAFKA_BASELINE_H
#define KEPU_CKAFKA_BASELINE_H
#include <stddef.h>
#include <stdint.h>

/// Plain C producer and consumer loops over librdkafka: the baseline of `kepu-bench kafka`. Their configuration
/// matches the Swift client's defaults (idempotent producer, acks=all, linger.ms=5; consumer group with manual
/// offset store and background commit of stored offsets).
typedef struct kepu_c_producer kepu_c_producer;
typedef struct kepu_c_consumer kepu_c_consumer;

/// Returns NULL on error (message in errbuf).
kepu_c_producer *kepu_c_producer_new(const char *bootstrap, const char *topic, size_t value_size, char *errbuf,
                                     size_t errbuf_size);
/// Produces `count` messages (keys "k<i % 1024>") and waits for every delivery report; returns how many succeeded.
int64_t kepu_c_producer_run(kepu_c_producer *producer, int64_t count);
void kepu_c_producer_destroy(kepu_c_producer *producer);

/// Returns NULL on error (message in errbuf).
kepu_c_consumer *kepu_c_consumer_new(const char *bootstrap, const char *topic, const char *group, int store_every,
                                     char *errbuf, size_t errbuf_size);
/// Consumes `count` messages with rd_kafka_consumer_poll, storing offsets every `store_every` messages.
/// `seconds` receives the time from the first message to the last. Returns how many were consumed before
/// `count` or 10 s without a message.
int64_t kepu_c_consumer_run(kepu_c_consumer *consumer, int64_t count, double *seconds);
void kepu_c_consumer_destroy(kepu_c_consumer *consumer);
#endif
