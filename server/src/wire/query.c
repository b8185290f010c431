#include "wire.h"
const wire_protocol wire_query = {.name = "query"};
const wire_protocol wire_ec2 = {.name = "ec2"};
