/* instance: EC2's state for one account and region (instances, tags of
 * other resources, client tokens) and the instance lifecycle.
 *
 * No timer drives a transition. An instance remembers the state it entered,
 * when, and how many describe polls have seen it since; every read settles
 * it against the server clock first (ec2_state_get, ec2_state_list). A
 * virtual clock that jumps forward therefore finishes a transition at once,
 * and nothing runs in the background. Settling changes the instance, so
 * every EC2 handler that reads instances runs under the namespace's write
 * lock.
 *
 *   pending --pending_ms--> running          stopping --stopping_ms--> stopped
 *   shutting-down --shutting_down_ms--> terminated --terminated_visible_ms--> gone
 *
 * With *_polls set, a transition also waits until that many describe polls
 * have seen the state (the first N polls see it, poll N+1 sees the next).
 * Status checks of a running instance read "initializing" for
 * status_initializing_ms after it reached running, then "ok". */
#ifndef MOCKAWS_EC2_INSTANCE_H
#define MOCKAWS_EC2_INSTANCE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/service.h"

/* The values are EC2's state codes. */
typedef enum ec2_istate {
    EC2_PENDING = 0,
    EC2_RUNNING = 16,
    EC2_SHUTTING_DOWN = 32,
    EC2_TERMINATED = 48,
    EC2_STOPPING = 64,
    EC2_STOPPED = 80,
} ec2_istate;

const char *ec2_istate_name(ec2_istate s);
/* false when name is not a state */
bool ec2_istate_parse(const char *name, ec2_istate *out);

typedef struct ec2_transitions {
    int64_t pending_ms;
    int64_t stopping_ms;
    int64_t shutting_down_ms;
    int64_t status_initializing_ms;
    int64_t terminated_visible_ms;
    int64_t pending_polls;
    int64_t stopping_polls;
    int64_t shutting_down_polls;
} ec2_transitions;

/* Short enough for tests, long enough that the first DescribeInstances
 * right after RunInstances sees "pending" (as on AWS, where it lasts tens
 * of seconds). */
#define EC2_DEFAULT_TRANSITIONS                                                                                \
    ((ec2_transitions){.pending_ms = 1000, .stopping_ms = 1000, .shutting_down_ms = 1000,                     \
                       .status_initializing_ms = 2000, .terminated_visible_ms = 3600 * 1000})

#define EC2_ID_LEN 20 /* "i-" + 17 hex digits */

typedef struct ec2_instance {
    char id[EC2_ID_LEN + 1];
    char reservation_id[EC2_ID_LEN + 1];
    uint64_t seq;   /* launch order, for listings and page tokens */
    GList *link;    /* in ec2_state.order */

    ec2_istate state;
    int64_t since_ms;         /* when `state` was entered */
    int64_t polls;            /* describe polls that saw `state` */
    int64_t running_since_ms; /* when it last reached running (status checks) */
    int64_t launch_ms;
    unsigned starts;          /* times started, for a new public IP each time */
    int64_t stopped_at_ms;    /* last user-initiated stop / terminate, or 0 */

    int launch_index;
    char *region;
    char *az;
    char *image_id;
    char *type;
    char *key_name;    /* or NULL */
    char *subnet_id;
    char *vpc_id;
    char *private_ip;
    char *client_token; /* or NULL */
    char *user_data;    /* base64 as given, or NULL */
    char *owner;        /* account */
    char *eni_id;
    char *mac;
    char *elastic_ip;  /* the Elastic IP associated with its primary interface, or NULL (net.c's) */
    bool no_public_ip; /* launched into a subnet that maps no public address */
    bool monitoring;
    bool no_terminate; /* DisableApiTermination */
    bool instant;      /* launched under --transitions instant: every transition is over when it begins */
    json_t *groups; /* [{"GroupId", "GroupName"}], owned */
    json_t *tags;   /* {key: value} in the order they were set, owned */
    /* what the launch (and ModifyInstanceAttribute) set, shaped as
     * DescribeInstances shows it and laid over its defaults there
     * ("EbsOptimized", "Placement": {"Tenancy"...}, "MetadataOptions",
     * "Architecture", "RootDeviceName"...); the attributes DescribeInstances
     * does not show ("InstanceInitiatedShutdownBehavior", "DisableApiStop",
     * "CreditSpecification") too. Owned, never NULL. */
    json_t *params;
} ec2_instance;

struct ec2_net;
struct ec2_images;
struct ec2_volumes;
struct ec2_templates;

typedef struct ec2_state {
    ec2_transitions tr;
    struct ec2_net *net; /* networking (net.h), owned */
    GHashTable *by_id;   /* id -> ec2_instance*, owns them */
    GQueue order;        /* ec2_instance*, launch order */
    uint64_t next_seq;
    GHashTable *tokens;  /* client token -> ec2_token*, owned */
    GHashTable *tags;    /* tags of resources mockaws does not model:
                            resource id -> {key: value}, owned */
    unsigned next_host;  /* private address counter */
    struct ec2_images *images;       /* image.h, owned */
    struct ec2_volumes *volumes;     /* volume.h, owned */
    struct ec2_templates *templates; /* template.h, owned */
} ec2_state;

/* A RunInstances client token: what it launched, and a fingerprint of the
 * request, so that a repeat with other arguments can be refused. */
typedef struct ec2_token {
    char *fingerprint;
    char *reservation_id;
    GPtrArray *ids; /* char*, owned */
} ec2_token;

ec2_state *ec2_state_new(void);
void ec2_state_free(ec2_state *st);
/* A deep copy of st (svc_def.state_clone): a namespace holds a few
 * instances, so copying them is cheaper than sharing would be to keep. */
ec2_state *ec2_state_clone(const ec2_state *st);

/* A new instance in `state` since now_ms, with its network identity
 * (private address and DNS name, ENI, default VPC and security
 * group, all derived from the id so that fixtures stay deterministic).
 * id: "i-" + 17 hex digits. The caller sets type, image and the rest. */
ec2_instance *ec2_instance_add(ec2_state *st, const char *id, const char *reservation_id,
                               const char *account, const char *region, const char *az,
                               ec2_istate state, int64_t now_ms);

/* The instance, settled to now_ms; NULL when unknown or gone (terminated
 * longer than terminated_visible_ms ago: it is then dropped). */
ec2_instance *ec2_state_get(ec2_state *st, const char *id, int64_t now_ms);
/* Every visible instance, settled, in launch order (borrowed pointers). */
GPtrArray *ec2_state_list(ec2_state *st, int64_t now_ms);

/* Brings an instance's state up to now_ms. */
void ec2_settle(const ec2_transitions *tr, ec2_instance *in, int64_t now_ms);
/* A describe poll saw the instance (counts toward *_polls). */
void ec2_count_poll(ec2_instance *in);
/* Enters a new state now (a user action). */
void ec2_enter(ec2_instance *in, ec2_istate s, int64_t now_ms);
/* "initializing" or "ok" for a running instance, "not-applicable" otherwise. */
const char *ec2_status_check(const ec2_transitions *tr, const ec2_instance *in, int64_t now_ms);

/* The public address while the instance has one: its Elastic IP until it
 * terminates, else one EC2 gives it while pending / running unless it was
 * launched without; NULL otherwise. buf: at least 16 bytes. */
const char *ec2_public_ip(const ec2_instance *in, char *buf);

/* The "ec2" fixture section:
 *   {"transitions": {"pending_ms": N, ..., "pending_polls": N, ...},
 *    "instances": [{"id", "state", "type", "image", "tags": {k: v} | [{Key, Value}],
 *                   "key_name", "availability_zone", "subnet_id", "reservation_id",
 *                   "params": {...as ec2_instance.params}, "user_data",
 *                   "disable_api_termination", "monitoring"}],
 *    "volumes": [...] (volume.h), "images": [...] (image.h),
 *    "network": VPCs, subnets, groups, key pairs, addresses, interfaces (net.h),
 *    "launch_templates": [...] (template.h)}
 * Every field is optional; unknown fields are refused. Without "volumes",
 * each instance has the root volume it always had (an id derived from its
 * own), so that fixtures from before volumes were kept still load. */
int ec2_state_load(ec2_state *st, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen);
/* The section as loaded (new reference), NULL when there is nothing. */
json_t *ec2_state_dump(ec2_state *st);

/* n hex digits (n <= 64) derived from material: ids that need to be stable
 * for a given input, without the server's random generator. */
void ec2_derive_hex(char *out, size_t n, const char *material);

#endif
