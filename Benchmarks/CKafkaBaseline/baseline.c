// Plain C loops over librdkafka: the baseline the Swift client is measured against in `kepu-bench kafka`.
#include "CKafkaBaseline.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int set_all(rd_kafka_conf_t *conf, const char *const *pairs, char *errbuf, size_t errbuf_size) {
    for (; pairs[0]; pairs += 2)
        if (rd_kafka_conf_set(conf, pairs[0], pairs[1], errbuf, errbuf_size) != RD_KAFKA_CONF_OK) return -1;
    return 0;
}

struct kepu_c_producer {
    rd_kafka_t *rk;
    rd_kafka_topic_t *rkt;
    char *payload;
    size_t size;
    int64_t delivered;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    (void)rk;
    kepu_c_producer *producer = opaque;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) producer->delivered++;
}

kepu_c_producer *kepu_c_producer_new(const char *bootstrap, const char *topic, size_t value_size, char *errbuf,
                                     size_t errbuf_size) {
    const char *pairs[] = {"bootstrap.servers", bootstrap, "enable.idempotence", "true", "acks", "all", "linger.ms", "5", NULL};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_all(conf, pairs, errbuf, errbuf_size)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    kepu_c_producer *producer = calloc(1, sizeof *producer);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, producer);
    producer->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errbuf, errbuf_size);
    if (!producer->rk) {
        free(producer);
        return NULL;
    }
    producer->rkt = rd_kafka_topic_new(producer->rk, topic, NULL);
    producer->size = value_size;
    producer->payload = malloc(value_size);
    memset(producer->payload, 'x', value_size);
    return producer;
}

int64_t kepu_c_producer_run(kepu_c_producer *producer, int64_t count) {
    int64_t before = producer->delivered;
    char key[16];
    for (int64_t i = 0; i < count;) {
        int key_len = snprintf(key, sizeof key, "k%d", (int)(i % 1024));
        rd_kafka_resp_err_t err = rd_kafka_producev(
            producer->rk, RD_KAFKA_V_RKT(producer->rkt), RD_KAFKA_V_VALUE(producer->payload, producer->size),
            RD_KAFKA_V_KEY(key, (size_t)key_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            rd_kafka_poll(producer->rk, 10); // wait for deliveries to free space
            continue;
        }
        if (err) break;
        i++;
        rd_kafka_poll(producer->rk, 0);
    }
    rd_kafka_flush(producer->rk, 60000);
    return producer->delivered - before;
}

void kepu_c_producer_destroy(kepu_c_producer *producer) {
    rd_kafka_topic_destroy(producer->rkt);
    rd_kafka_destroy(producer->rk);
    free(producer->payload);
    free(producer);
}

typedef struct {
    rd_kafka_topic_t *rkt;
    int32_t partition;
    int64_t next;
} position_t;

struct kepu_c_consumer {
    rd_kafka_t *rk;
    int store_every;
    int64_t checksum;
};

kepu_c_consumer *kepu_c_consumer_new(const char *bootstrap, const char *topic, const char *group, int store_every,
                                     char *errbuf, size_t errbuf_size) {
    const char *pairs[] = {"bootstrap.servers", bootstrap, "group.id", group, "enable.auto.commit", "true",
                           "enable.auto.offset.store", "false", "auto.offset.reset", "earliest",
                           "enable.partition.eof", "false", NULL};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (set_all(conf, pairs, errbuf, errbuf_size)) {
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    kepu_c_consumer *consumer = calloc(1, sizeof *consumer);
    consumer->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errbuf, errbuf_size);
    if (!consumer->rk) {
        free(consumer);
        return NULL;
    }
    consumer->store_every = store_every;
    rd_kafka_poll_set_consumer(consumer->rk);
    rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer->rk, subscription);
    rd_kafka_topic_partition_list_destroy(subscription);
    return consumer;
}

static void store(rd_kafka_t *rk, const position_t *positions, int npositions) {
    rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(npositions);
    for (int p = 0; p < npositions; p++)
        rd_kafka_topic_partition_list_add(offsets, rd_kafka_topic_name(positions[p].rkt), positions[p].partition)->offset =
            positions[p].next;
    rd_kafka_offsets_store(rk, offsets);
    rd_kafka_topic_partition_list_destroy(offsets);
}

int64_t kepu_c_consumer_run(kepu_c_consumer *consumer, int64_t count, double *seconds) {
    position_t positions[256];
    int npositions = 0, idle_polls = 0;
    int64_t consumed = 0, since_store = 0;
    double first = 0, last = 0;
    while (consumed < count && idle_polls < 100) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(consumer->rk, 100);
        if (!msg) {
            idle_polls++;
            continue;
        }
        idle_polls = 0;
        if (msg->err) {
            rd_kafka_message_destroy(msg);
            continue;
        }
        if (consumed == 0) first = now_seconds();
        consumer->checksum += msg->len ? ((const unsigned char *)msg->payload)[msg->len - 1] : 0;
        int found = 0;
        for (int p = 0; p < npositions; p++) {
            if (positions[p].rkt == msg->rkt && positions[p].partition == msg->partition) {
                positions[p].next = msg->offset + 1;
                found = 1;
                break;
            }
        }
        if (!found && npositions < 256) positions[npositions++] = (position_t){msg->rkt, msg->partition, msg->offset + 1};
        rd_kafka_message_destroy(msg);
        consumed++;
        // Store offsets once per batch, as the Swift consumer does when a batch is marked processed.
        if (++since_store >= consumer->store_every) {
            store(consumer->rk, positions, npositions);
            since_store = 0;
        }
    }
    last = now_seconds();
    if (npositions) store(consumer->rk, positions, npositions);
    *seconds = consumed ? last - first : 0;
    return consumed;
}

void kepu_c_consumer_destroy(kepu_c_consumer *consumer) {
    rd_kafka_consumer_close(consumer->rk);
    rd_kafka_destroy(consumer->rk);
    free(consumer);
}
