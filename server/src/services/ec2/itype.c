#include "services/ec2/itype.h"

#include <string.h>

#include "services/ec2/common.h"
#include "services/svc_api.h"

/* A family: its sizes share everything but vCPUs and memory. */
typedef struct family {
    const char *name, *arch, *hypervisor, *manufacturer;
    double ghz;
    bool burstable, current;
    const char *ebs_optimized; /* "default", "supported", "unsupported" */
    int sizes;                 /* bit i: size i of `size_names` is offered */
    const int *mib;            /* per size, NULL: vcpus * mib_per_vcpu */
    int mib_per_vcpu;
} family;

static const char *const size_names[] = {"nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"};
static const int t_vcpus[] = {2, 2, 2, 2, 2, 4, 8, 16};
static const int t2_vcpus[] = {1, 1, 1, 2, 2, 4, 8, 16};
static const int std_vcpus[] = {0, 0, 0, 1, 2, 4, 8, 16};
static const int t_mib[] = {512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};

#define T_SIZES 0x7f     /* nano .. 2xlarge */
#define STD_SIZES 0xf0   /* large .. 4xlarge */
#define A1_SIZES 0xf8    /* medium .. 4xlarge */

static const family families[] = {
    {"t2", "x86_64", "xen", "Intel", 2.3, true, true, "unsupported", T_SIZES, t_mib, 0},
    {"t3", "x86_64", "nitro", "Intel", 2.5, true, true, "default", T_SIZES, t_mib, 0},
    {"t3a", "x86_64", "nitro", "AMD", 2.2, true, true, "default", T_SIZES, t_mib, 0},
    {"t4g", "arm64", "nitro", "AWS", 2.5, true, true, "default", T_SIZES, t_mib, 0},
    {"m5", "x86_64", "nitro", "Intel", 3.1, false, true, "default", STD_SIZES, NULL, 4096},
    {"m6i", "x86_64", "nitro", "Intel", 3.5, false, true, "default", STD_SIZES, NULL, 4096},
    {"m7g", "arm64", "nitro", "AWS", 2.6, false, true, "default", STD_SIZES, NULL, 4096},
    {"c5", "x86_64", "nitro", "Intel", 3.4, false, true, "default", STD_SIZES, NULL, 2048},
    {"c6i", "x86_64", "nitro", "Intel", 3.5, false, true, "default", STD_SIZES, NULL, 2048},
    {"c7g", "arm64", "nitro", "AWS", 2.6, false, true, "default", STD_SIZES, NULL, 2048},
    {"r5", "x86_64", "nitro", "Intel", 3.1, false, true, "default", STD_SIZES, NULL, 8192},
    {"r6i", "x86_64", "nitro", "Intel", 3.5, false, true, "default", STD_SIZES, NULL, 8192},
    {"a1", "arm64", "nitro", "AWS", 2.3, false, true, "default", A1_SIZES, NULL, 2048},
};

/* The family and size index of a catalogued type. */
static const family *lookup(const char *type, int *size)
{
    const char *dot = type ? strchr(type, '.') : NULL;
    if (!dot)
        return NULL;
    for (size_t f = 0; f < G_N_ELEMENTS(families); f++) {
        if (strlen(families[f].name) != (size_t)(dot - type) || strncmp(type, families[f].name, (size_t)(dot - type)))
            continue;
        for (int s = 0; s < (int)G_N_ELEMENTS(size_names); s++)
            if ((families[f].sizes >> s & 1) && strcmp(dot + 1, size_names[s]) == 0) {
                *size = s;
                return &families[f];
            }
    }
    return NULL;
}

const char *ec2_itype_arch(const char *type)
{
    int s;
    const family *f = lookup(type, &s);
    if (f)
        return f->arch;
    return type && strcmp(type, "m1.small") == 0 ? "x86_64" : NULL;
}

bool ec2_itype_burstable(const char *type)
{
    int s;
    const family *f = lookup(type, &s);
    return f && f->burstable;
}

const char *ec2_itype_hypervisor(const char *type)
{
    int s;
    const family *f = lookup(type, &s);
    if (f)
        return f->hypervisor;
    return type && strcmp(type, "m1.small") == 0 ? "xen" : NULL;
}

static const char *network_performance(const family *f, int s)
{
    if (strcmp(f->name, "t2") == 0)
        return s <= 3 ? "Low to Moderate" : "Moderate";
    if (f->burstable)
        return "Up to 5 Gigabit";
    if (strcmp(f->name, "m5") == 0 || strcmp(f->name, "c5") == 0 || strcmp(f->name, "r5") == 0 ||
        strcmp(f->name, "a1") == 0)
        return "Up to 10 Gigabit";
    return "Up to 12.5 Gigabit";
}

static json_t *type_json(const char *region, const family *f, int s)
{
    char *name = g_strdup_printf("%s.%s", f->name, size_names[s]);
    const int *vcpus = strcmp(f->name, "t2") == 0 ? t2_vcpus : f->burstable ? t_vcpus : std_vcpus;
    int v = vcpus[s];
    int mib = f->mib ? f->mib[s] : v * f->mib_per_vcpu;
    bool arm = strcmp(f->arch, "arm64") == 0;
    int threads = arm || strcmp(f->name, "t2") == 0 ? 1 : 2;
    bool xen = strcmp(f->hypervisor, "xen") == 0;
    /* the free tier is t2.micro, or t3.micro where t2 is not offered */
    bool free_tier = strcmp(name, "t2.micro") == 0 || strcmp(name, "t3.micro") == 0;
    (void)region;
    json_t *arches = strcmp(f->name, "t2") == 0 ? json_pack("[s, s]", "i386", "x86_64") : json_pack("[s]", f->arch);
    json_t *o = json_pack(
        "{s:s, s:b, s:b, s:[s, s], s:[s], s:o, s:b, s:s, s:{s:o, s:f, s:s}, s:{s:i, s:i, s:i}, s:{s:i},"
        " s:b, s:{s:s, s:s, s:s}, s:{s:s, s:i, s:i, s:i, s:b, s:s, s:b},"
        " s:{s:[s, s, s]}, s:b, s:b, s:b, s:b, s:[s]}",
        "InstanceType", name, "CurrentGeneration", f->current, "FreeTierEligible", free_tier, "SupportedUsageClasses",
        "on-demand", "spot", "SupportedRootDeviceTypes", "ebs", "SupportedVirtualizationTypes",
        xen ? json_pack("[s, s]", "hvm", "paravirtual") : json_pack("[s]", "hvm"), "BareMetal", 0, "Hypervisor",
        f->hypervisor, "ProcessorInfo", "SupportedArchitectures", arches, "SustainedClockSpeedInGhz", f->ghz,
        "Manufacturer", f->manufacturer, "VCpuInfo", "DefaultVCpus", v, "DefaultCores", v / threads ? v / threads : 1,
        "DefaultThreadsPerCore", threads, "MemoryInfo", "SizeInMiB", mib, "InstanceStorageSupported", 0, "EbsInfo",
        "EbsOptimizedSupport", f->ebs_optimized, "EncryptionSupport", "supported", "NvmeSupport",
        xen ? "unsupported" : "required", "NetworkInfo", "NetworkPerformance", network_performance(f, s),
        "MaximumNetworkInterfaces", v <= 2 ? 3 : 4, "MaximumNetworkCards", 1, "Ipv4AddressesPerInterface",
        v <= 2 ? 6 : 15, "Ipv6Supported", 1, "EnaSupport", xen ? "unsupported" : "required", "EfaSupported", 0,
        "PlacementGroupInfo", "SupportedStrategies", "cluster", "partition", "spread", "HibernationSupported", !arm,
        "BurstablePerformanceSupported", f->burstable, "DedicatedHostsSupported", !f->burstable,
        "AutoRecoverySupported", 1, "SupportedBootModes", arm ? "uefi" : "legacy-bios");
    if (!arm)
        json_array_append_new(json_object_get(o, "SupportedBootModes"), json_string("uefi"));
    g_free(name);
    return o;
}

static json_t *m1_small_json(void)
{
    return json_pack("{s:s, s:b, s:b, s:[s, s], s:[s, s], s:[s, s], s:b, s:s, s:{s:[s, s], s:s},"
                     " s:{s:i, s:i, s:i}, s:{s:i}, s:b, s:{s:s, s:s, s:s}, s:{s:s, s:i, s:i, s:i, s:b, s:s},"
                     " s:b, s:b, s:b, s:b, s:[s]}",
                     "InstanceType", "m1.small", "CurrentGeneration", 0, "FreeTierEligible", 0,
                     "SupportedUsageClasses", "on-demand", "spot", "SupportedRootDeviceTypes", "ebs",
                     "instance-store", "SupportedVirtualizationTypes", "hvm", "paravirtual", "BareMetal", 0,
                     "Hypervisor", "xen", "ProcessorInfo", "SupportedArchitectures", "i386", "x86_64", "Manufacturer",
                     "Intel", "VCpuInfo", "DefaultVCpus", 1, "DefaultCores", 1, "DefaultThreadsPerCore", 1,
                     "MemoryInfo", "SizeInMiB", 1740, "InstanceStorageSupported", 1, "EbsInfo",
                     "EbsOptimizedSupport", "unsupported", "EncryptionSupport", "unsupported", "NvmeSupport",
                     "unsupported", "NetworkInfo", "NetworkPerformance", "Low", "MaximumNetworkInterfaces", 2,
                     "MaximumNetworkCards", 1, "Ipv4AddressesPerInterface", 4, "Ipv6Supported", 0, "EnaSupport",
                     "unsupported", "HibernationSupported", 0, "BurstablePerformanceSupported", 0,
                     "DedicatedHostsSupported", 0, "AutoRecoverySupported", 0, "SupportedBootModes", "legacy-bios");
}

/* Every catalogued type, in name order as EC2 lists them. */
static json_t *all_types(const char *region)
{
    json_t *out = json_array();
    json_array_append_new(out, m1_small_json());
    for (size_t f = 0; f < G_N_ELEMENTS(families); f++)
        for (int s = 0; s < (int)G_N_ELEMENTS(size_names); s++)
            if (families[f].sizes >> s & 1)
                json_array_append_new(out, type_json(region, &families[f], s));
    return out;
}

static const ec2_filter_path type_filters[] = {
    {"auto-recovery-supported", "AutoRecoverySupported"},
    {"bare-metal", "BareMetal"},
    {"burstable-performance-supported", "BurstablePerformanceSupported"},
    {"current-generation", "CurrentGeneration"},
    {"dedicated-hosts-supported", "DedicatedHostsSupported"},
    {"ebs-info.attachment-limit-type", NULL},
    {"ebs-info.maximum-ebs-attachments", NULL},
    {"ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps", NULL},
    {"ebs-info.ebs-optimized-info.baseline-iops", NULL},
    {"ebs-info.ebs-optimized-info.baseline-throughput-in-mbps", NULL},
    {"ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps", NULL},
    {"ebs-info.ebs-optimized-info.maximum-iops", NULL},
    {"ebs-info.ebs-optimized-info.maximum-throughput-in-mbps", NULL},
    {"ebs-info.ebs-optimized-support", "EbsInfo.EbsOptimizedSupport"},
    {"ebs-info.encryption-support", "EbsInfo.EncryptionSupport"},
    {"ebs-info.nvme-support", "EbsInfo.NvmeSupport"},
    {"free-tier-eligible", "FreeTierEligible"},
    {"hibernation-supported", "HibernationSupported"},
    {"hypervisor", "Hypervisor"},
    {"instance-storage-info.disk.count", NULL},
    {"instance-storage-info.disk.size-in-gb", NULL},
    {"instance-storage-info.disk.type", NULL},
    {"instance-storage-info.encryption-support", NULL},
    {"instance-storage-info.nvme-support", NULL},
    {"instance-storage-info.total-size-in-gb", NULL},
    {"instance-storage-supported", "InstanceStorageSupported"},
    {"instance-type", "InstanceType"},
    {"memory-info.size-in-mib", "MemoryInfo.SizeInMiB"},
    {"network-info.bandwidth-weightings", NULL},
    {"network-info.efa-info.maximum-efa-interfaces", NULL},
    {"network-info.efa-supported", "NetworkInfo.EfaSupported"},
    {"network-info.ena-support", "NetworkInfo.EnaSupport"},
    {"network-info.flexible-ena-queues-support", NULL},
    {"network-info.encryption-in-transit-supported", NULL},
    {"network-info.ipv4-addresses-per-interface", "NetworkInfo.Ipv4AddressesPerInterface"},
    {"network-info.ipv6-addresses-per-interface", NULL},
    {"network-info.ipv6-supported", "NetworkInfo.Ipv6Supported"},
    {"network-info.maximum-network-cards", "NetworkInfo.MaximumNetworkCards"},
    {"network-info.maximum-network-interfaces", "NetworkInfo.MaximumNetworkInterfaces"},
    {"network-info.network-performance", "NetworkInfo.NetworkPerformance"},
    {"nitro-enclaves-support", NULL},
    {"nitro-tpm-support", NULL},
    {"nitro-tpm-info.supported-versions", NULL},
    {"processor-info.supported-architecture", "ProcessorInfo.SupportedArchitectures"},
    {"processor-info.sustained-clock-speed-in-ghz", "ProcessorInfo.SustainedClockSpeedInGhz"},
    {"processor-info.supported-features", NULL},
    {"reboot-migration-support", NULL},
    {"supported-boot-mode", "SupportedBootModes"},
    {"supported-root-device-type", "SupportedRootDeviceTypes"},
    {"supported-usage-class", "SupportedUsageClasses"},
    {"supported-virtualization-type", "SupportedVirtualizationTypes"},
    {"vcpu-info.default-cores", "VCpuInfo.DefaultCores"},
    {"vcpu-info.default-threads-per-core", "VCpuInfo.DefaultThreadsPerCore"},
    {"vcpu-info.default-vcpus", "VCpuInfo.DefaultVCpus"},
    {"vcpu-info.valid-cores", NULL},
    {"vcpu-info.valid-threads-per-core", NULL},
    {NULL, NULL},
};

int ec2_describe_instance_types(svc_call *c)
{
    json_t *names = json_object_get(c->input, "InstanceTypes");
    GPtrArray *filters = ec2_filters_from(c, type_filters);
    if (!filters)
        return -1;
    json_t *all = all_types(c->region);
    json_t *kept = json_array();
    size_t i;
    json_t *v;
    if (json_array_size(names)) {
        /* named: in the order given; every name must be known */
        GString *missing = g_string_new(NULL);
        json_t *byname = json_object();
        json_array_foreach(all, i, v) json_object_set(byname, svc_str(v, "InstanceType"), v);
        json_array_foreach(names, i, v) {
            json_t *t = json_object_get(byname, json_string_value(v));
            if (!t)
                g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", json_string_value(v));
            else if (ec2_filters_match(filters, type_filters, t))
                json_array_append(kept, t);
        }
        json_decref(byname);
        if (missing->len) {
            aws_error_set(&c->err, "InvalidInstanceType",
                          "The following supplied instance types do not exist: [%s]", missing->str);
            g_string_free(missing, TRUE);
            goto fail;
        }
        g_string_free(missing, TRUE);
    } else {
        json_array_foreach(all, i, v) if (ec2_filters_match(filters, type_filters, v)) json_array_append(kept, v);
    }
    if (ec2_dry_run(c))
        goto fail;
    json_decref(all);
    ec2_filters_free(filters);
    return ec2_page_out(c, kept, "InstanceTypes", 5, 100);
fail:
    json_decref(kept);
    json_decref(all);
    ec2_filters_free(filters);
    return -1;
}

static const ec2_filter_path offering_filters[] = {
    {"instance-type", "InstanceType"},
    {"location", "Location"},
    {NULL, NULL},
};

static int zones_of(const char *region) { return strcmp(region, "us-east-1") == 0 ? 6 : 3; }

int ec2_describe_instance_type_offerings(svc_call *c)
{
    const char *lt = svc_str(c->input, "LocationType") ? svc_str(c->input, "LocationType") : "region";
    GPtrArray *filters = ec2_filters_from(c, offering_filters);
    if (!filters)
        return -1;
    if (ec2_dry_run(c)) {
        ec2_filters_free(filters);
        return -1;
    }
    json_t *all = all_types(c->region);
    json_t *kept = json_array();
    int places = strcmp(lt, "region") == 0 ? 1 : zones_of(c->region);
    size_t i;
    json_t *v;
    json_array_foreach(all, i, v) {
        for (int z = 0; z < places; z++) {
            char *loc = strcmp(lt, "region") == 0 ? g_strdup(c->region)
                        : strcmp(lt, "availability-zone") == 0
                            ? g_strdup_printf("%s%c", c->region, 'a' + z)
                            : g_strdup_printf("%s-az%d", c->region, z + 1);
            json_t *o = json_pack("{s:O, s:s, s:s}", "InstanceType", json_object_get(v, "InstanceType"),
                                  "LocationType", lt, "Location", loc);
            g_free(loc);
            if (ec2_filters_match(filters, offering_filters, o))
                json_array_append(kept, o);
            json_decref(o);
        }
    }
    json_decref(all);
    ec2_filters_free(filters);
    return ec2_page_out(c, kept, "InstanceTypeOfferings", 5, 1000);
}
