#include "wire.h"
const wire_protocol wire_json = {.name = "json"};
