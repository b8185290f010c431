/* The CPU cost of fault rules that do not match, without HTTP or a second
 * process in the way: the request pipeline run in-process on STS
 * GetCallerIdentity, with no rules and then with the rules of RULES.json
 * (bench/faults_rules.py writes the 100 rules of bench/faults.sh).
 *
 *   cmake --build build --target bench_fault_cost && build/bench/bench_fault_cost RULES.json */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/pipeline.h"
#include "core/server.h"

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU microseconds per request over n requests. */
static double run(server *s, int n)
{
    http_header h[] = {
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sts/aws4_request, Signature=0"},
        {"content-type", "application/x-www-form-urlencoded"},
    };
    const char *body = "Action=GetCallerIdentity&Version=2011-06-15";
    double start = cpu_seconds();
    for (int i = 0; i < n; i++) {
        http_request r = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                          .nheaders = 2, .body = body, .body_len = strlen(body)};
        http_response resp;
        http_response_init(&resp);
        pipeline_outcome o;
        pipeline_handle(s, &r, 1, false, &resp, &o);
        http_response_clear(&resp);
    }
    return (cpu_seconds() - start) / n * 1e6;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s RULES.json\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static char rules[1 << 20];
    size_t len = fread(rules, 1, sizeof rules - 1, f);
    fclose(f);
    rules[len] = 0;

    char err[256];
    mockaws_options opts = {.journal_size = 1000};
    server *s = mockaws_start(&opts, err, sizeof err);
    if (!s) {
        fprintf(stderr, "mockaws_start: %s\n", err);
        return 1;
    }
    run(s, 2000); /* warm up */
    for (int k = 0; k < 3; k++) {
        mockaws_faults_clear(s);
        double none = run(s, 20000);
        if (mockaws_faults_add(s, rules, NULL, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", argv[1], err);
            mockaws_stop(s);
            return 1;
        }
        double with = run(s, 20000);
        printf("no rules %.2f us/req, with the rules %.2f us/req (+%.1f%%)\n", none, with, (with - none) / none * 100);
    }
    mockaws_stop(s);
    return 0;
}
