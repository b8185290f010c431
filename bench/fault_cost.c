#include <stdio.h>
#include <string.h>
#include <time.h>
/* The CPU cost of fault rules that do not match, without HTTP or a second
 * process in the way: the request pipeline run in-process on STS
 * GetCallerIdentity, with no rules and then with the rules of RULES.json
 * (bench/faults_rules.py writes the 100 rules of bench/faults.sh).
 *
 *   make -C build bench_fault_cost && build/bench/bench_fault_cost RULES.json */
#include "core/server.h"
static double cpu(void){struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID,&t); return t.tv_sec+t.tv_nsec/1e9;}
static double run(server *s, int n){
  http_header h[]={{"authorization","AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sts/aws4_request, Signature=0"},{"content-type","application/x-www-form-urlencoded"}};
  const char *body="Action=GetCallerIdentity&Version=2011-06-15";
  double a=cpu();
  for(int i=0;i<n;i++){ http_request r={.method="POST",.path="/",.query="",.host="localhost",.headers=h,.nheaders=2,.body=body,.body_len=strlen(body)};
    http_response resp; http_response_init(&resp); server_outcome o; server_handle(s,&r,1,false,&resp,&o); http_response_clear(&resp);}
  return (cpu()-a)/n*1e6;
}
int main(int argc,char**argv){
  char e[256]; mockaws_options o={.journal_size=1000}; server *s=mockaws_start(&o,e,sizeof e);
  FILE *f=fopen(argv[1],"r"); char buf[65536]; size_t len=fread(buf,1,sizeof buf-1,f); buf[len]=0;
  run(s,2000);
  for(int k=0;k<3;k++){ mockaws_faults_clear(s); double a=run(s,20000);
    mockaws_faults_add(s,buf,NULL,e,sizeof e); double b=run(s,20000);
    printf("no rules %.2f us/req, 100 rules %.2f us/req (+%.1f%%)\n",a,b,(b-a)/a*100);}
  mockaws_stop(s); return 0;}
