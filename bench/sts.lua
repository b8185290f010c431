-- wrk script: STS GetCallerIdentity as an SDK would send it (form POST with a
-- signed-looking Authorization header; mockaws does not verify signatures).
wrk.method = "POST"
wrk.path = "/"
wrk.body = "Action=GetCallerIdentity&Version=2011-06-15"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.headers["X-Amz-Date"] = "20261129T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 "
  .. "Credential=AKIDEXAMPLE/20261129/us-east-1/sts/aws4_request, "
  .. "SignedHeaders=host;x-amz-date, Signature=00"
