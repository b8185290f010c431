/* iam store: an account's users, roles, groups and managed policies, as
 * IAM keeps them. One store per account (IAM is global: SVC_SCOPE_ACCOUNT).
 * Names are unique without regard to case and found that way, as IAM does;
 * each entity keeps the spelling it was created with. */
#ifndef MOCKAWS_SERVICES_IAM_STORE_H
#define MOCKAWS_SERVICES_IAM_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum iam_kind { IAM_USER = 0, IAM_ROLE, IAM_GROUP, IAM_NKINDS } iam_kind;

/* What differs between users, roles and groups in requests and answers. */
typedef struct iam_kind_info {
    const char *name_member; /* "UserName" */
    const char *id_member;   /* "UserId" */
    const char *noun;        /* "user", in messages and ARNs */
    const char *Noun;        /* "User": the output member of Create/Get */
    const char *list_member; /* "Users" */
    const char *id_prefix;   /* "AIDA" */
    const char *quota;       /* "PoliciesPerUser" */
    size_t inline_limit;     /* aggregate inline policy size, whitespace not counted */
} iam_kind_info;
extern const iam_kind_info iam_kinds[IAM_NKINDS];

typedef struct iam_key {
    char *id;     /* AKIA... */
    char *secret; /* 40 characters */
    bool active;
    int64_t create_ms;
} iam_key;

typedef struct iam_entity {
    iam_kind kind;
    char *name, *path, *id, *arn;
    int64_t create_ms;
    GTree *inline_policies; /* policy name -> document text as given (char*, owned) */
    GPtrArray *attached;    /* managed policy ARNs (char*, owned), in attachment order */
    char *boundary;         /* permissions boundary's policy ARN, or NULL */
    json_t *tags;           /* array of {"Key", "Value"}, owned */
    GPtrArray *keys;        /* user: iam_key* (owned) */
    GPtrArray *members;     /* user: its groups' names; group: its users' names (char*, owned) */
    char *trust;            /* role: AssumeRolePolicyDocument text */
    char *description;      /* role: or NULL */
    int64_t max_session;    /* role: seconds */
} iam_entity;

typedef struct iam_version {
    char *id; /* "v1" */
    char *document;
    int64_t create_ms;
} iam_version;

typedef struct iam_managed {
    char *name, *path, *id, *arn, *description;
    GPtrArray *versions; /* iam_version* (owned), oldest first */
    char *default_version;
    int next_version;    /* the number the next version gets */
    int64_t create_ms, update_ms;
    int attachments;     /* users, roles and groups it is attached to */
    int boundaries;      /* users and roles it bounds */
    json_t *tags;        /* array of {"Key", "Value"}, owned */
} iam_managed;

typedef struct iam_state {
    GTree *entities[IAM_NKINDS]; /* lowercased name -> iam_entity* (owned) */
    GTree *policies;             /* lowercased name -> iam_managed* (owned) */
    GPtrArray *root_keys;        /* iam_key*: the account's root user's keys (owned) */
    /* Policy documents parsed for the core's checks (identity_policies),
     * by their text: each is parsed once, not on every request. Readers
     * share the namespace lock, so the cache has a lock of its own. */
    GHashTable *parsed;          /* text (owned) -> json_t* (one reference) */
    GMutex parsed_lock;
} iam_state;

/* The parsed form of a stored document's text (new reference), or NULL
 * when it does not parse. Thread-safe. */
json_t *iam_store_parsed(iam_state *st, const char *text);

iam_state *iam_store_new(void);
void iam_store_free(iam_state *st);
/* A deep copy of st (svc_def.state_clone): an account's users, roles and
 * policies are few, so copying them is cheaper than sharing would be to
 * keep. The parsed-document cache starts empty. */
iam_state *iam_store_clone(const iam_state *st);

/* Borrowed, or NULL. */
iam_entity *iam_store_find(iam_state *st, iam_kind kind, const char *name);
/* A new entity, added to the store (the caller checked the name is free). */
iam_entity *iam_store_add(iam_state *st, iam_kind kind, const char *partition, const char *account, const char *name, const char *path,
                          const char *id, int64_t now_ms);
void iam_store_remove(iam_state *st, iam_entity *e);

/* The managed policy an ARN names (this account's), borrowed, or NULL. */
iam_managed *iam_store_policy(iam_state *st, const char *arn);
iam_managed *iam_store_policy_add(iam_state *st, const char *partition, const char *account, const char *name, const char *path,
                                  const char *id, const char *document, int64_t now_ms);
void iam_store_policy_remove(iam_state *st, iam_managed *p);
iam_version *iam_managed_version(iam_managed *p, const char *version_id);
iam_version *iam_managed_add_version(iam_managed *p, const char *document, int64_t now_ms);

iam_key *iam_key_new(const char *id, const char *secret, bool active, int64_t create_ms);
void iam_key_free(gpointer k);

/* A policy's size as IAM counts it against its quotas: without whitespace. */
size_t iam_policy_size(const char *text);
/* The names in a GPtrArray of strings: its index, or -1. */
int iam_strv_index(GPtrArray *a, const char *s);
/* The ARN of an entity or policy: arn:PARTITION:iam::ACCOUNT:WORD PATH NAME (g_malloc'd). */
char *iam_arn(const char *partition, const char *account, const char *word, const char *path, const char *name);

/* ---- changes shared by requests and fixtures ---- */
typedef struct mockaws server;
/* Hands an active key to the server, so that requests signed with it act as
 * arn / user_id in account. */
void iam_key_register(server *srv, const char *account, const char *arn, const char *user_id, const iam_key *k);
void iam_store_attach(iam_entity *e, iam_managed *m);
void iam_store_detach(iam_entity *e, iam_managed *m);
void iam_store_join(iam_entity *user, iam_entity *group);
void iam_store_leave(iam_entity *user, iam_entity *group);
/* Sets or clears (m NULL) an entity's permissions boundary. */
void iam_store_set_boundary(iam_state *st, iam_entity *e, iam_managed *m);

#endif
