/* platform: SNS's platform applications (APNS, GCM, ADM, ...) and their
 * endpoints (one device token each) for one account and region, and the
 * rules for their names and attributes.
 *
 * Applications sit in a GTree by ARN, so ListPlatformApplications pages in a
 * stable order; each holds its endpoints in a GTree by ARN (the same for
 * ListEndpointsByPlatformApplication) and a hash by token, which makes
 * CreatePlatformEndpoint idempotent per token. A hash by endpoint ARN over
 * all applications finds a Publish's TargetArn. Nothing is pushed to a
 * device: deliveries are recorded (sns.c). The namespace lock guards it all.
 *
 * Attribute errors are the text after "Invalid parameter: ", as SNS words
 * them. */
#ifndef MOCKAWS_SNS_PLATFORM_H
#define MOCKAWS_SNS_PLATFORM_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct sns_app sns_app;

typedef struct sns_endpoint {
    char *arn;
    sns_app *app;  /* the application it belongs to (borrowed) */
    json_t *attrs; /* Enabled, Token, CustomUserData (owned) */
} sns_endpoint;

struct sns_app {
    char *arn;
    char *name;
    char *platform;
    json_t *attrs;        /* what GetPlatformApplicationAttributes shows (owned) */
    json_t *credentials;  /* PlatformCredential, PlatformPrincipal: kept, never shown (owned) */
    GTree *endpoints;     /* arn -> sns_endpoint*, owned */
    GHashTable *by_token; /* token -> sns_endpoint*, borrowed */
};

typedef struct sns_platform {
    GTree *apps;          /* arn -> sns_app*, owned */
    GHashTable *endpoints; /* arn -> sns_endpoint*, borrowed from the applications */
} sns_platform;

sns_platform *sns_platform_new(void);
void sns_platform_free(sns_platform *p);
sns_platform *sns_platform_clone(const sns_platform *p);

/* Whether SNS has this platform (APNS, APNS_SANDBOX, GCM, ADM, BAIDU, MPNS, WNS). */
bool sns_platform_known(const char *platform);
/* An application name: 1 to 256 of A-Z a-z 0-9 _ - . (0, or -1 with err set). */
int sns_app_name_check(const char *name, char *err, size_t errlen);
/* CreatePlatformApplication's attributes: names SNS knows, and the
 * credentials the platform needs. */
int sns_app_attributes_check(const char *platform, json_t *attrs, bool creating, char *err, size_t errlen);

sns_app *sns_app_find(sns_platform *p, const char *arn);
/* A new application, or the one with this ARN, its attributes (checked)
 * set over the old ones. */
sns_app *sns_app_put(sns_platform *p, const char *arn, const char *name, const char *platform, json_t *attrs);
void sns_app_set_attributes(sns_app *a, json_t *attrs);
/* Deletes the application and its endpoints. */
void sns_app_remove(sns_platform *p, sns_app *a);

/* Endpoint attributes (Enabled, Token, CustomUserData) as SNS checks them. */
int sns_endpoint_attributes_check(json_t *attrs, char *err, size_t errlen);
sns_endpoint *sns_endpoint_find(sns_platform *p, const char *arn);
sns_endpoint *sns_endpoint_by_token(sns_app *a, const char *token);
/* attrs: Enabled, Token and CustomUserData, already checked (taken). */
sns_endpoint *sns_endpoint_add(sns_platform *p, sns_app *a, const char *arn, json_t *attrs);
/* Sets checked attributes; a new Token moves the endpoint in by_token. */
void sns_endpoint_set_attributes(sns_endpoint *e, json_t *attrs);
void sns_endpoint_remove(sns_platform *p, sns_endpoint *e);
bool sns_endpoint_enabled(const sns_endpoint *e);

/* The "platform_applications" member of the "sns" fixture section:
 *   [{"name", "platform", "attributes": {...},
 *     "endpoints": [{"token", "custom_user_data", "enabled"}]}]
 * Fixture endpoints get the same ARN on every load. */
int sns_platform_load(sns_platform *p, json_t *list, const char *account, const char *region, char *err,
                      size_t errlen);
/* NULL without applications. */
json_t *sns_platform_dump(const sns_platform *p);
/* Endpoint ARN for an application ARN, from a UUID. g_malloc'd. */
char *sns_endpoint_arn(const sns_app *a, const char *uuid);

#endif
