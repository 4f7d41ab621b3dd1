#ifndef KEPU_CRDKAFKA_SHIM_H
#define KEPU_CRDKAFKA_SHIM_H
// librdkafka's client API and its mock cluster (Debian's librdkafka-dev 2.0.2).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
