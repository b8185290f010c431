#include "wire.h"
const wire_protocol wire_rest_xml = {.name = "rest-xml"};
