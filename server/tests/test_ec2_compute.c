/* EC2 around the instance, without sockets: the image catalogue's ids,
 * filters read off described JSON, block device mappings merged and
 * refused, launch template data under a request, and the fixture section's
 * volumes, images and templates (and the root volume old fixtures imply). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/pipeline.h"
#include "test_ec2_call.h"
#include "core/server.h"
#include "services/ec2/common.h"
#include "services/ec2/image.h"
#include "services/ec2/instance.h"

#define AL2023 "ami-ab939b9c031512198" /* us-east-1 */

static void assert_error(result r, const char *code, const char *message)
{
    if (r.status != 400 || !strstr(r.body, code) || (message && !strstr(r.body, message)))
        fail_msg("expected 400 %s '%s', got %d: %s", code, message ? message : "", r.status, r.body);
}

static void assert_ok_with(result r, const char *needle)
{
    if (r.status != 200 || (needle && !strstr(r.body, needle)))
        fail_msg("expected 200 with '%s', got %d: %s", needle ? needle : "", r.status, r.body);
}

static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    *st = mockaws_start(&o, err, sizeof err);
    if (*st)
        mockaws_clock_virtual(*st, 1);
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void catalogue_ids_are_per_region(void **st)
{
    (void)st;
    const char *name = "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64";
    char *east = ec2_image_catalogue_id("us-east-1", name);
    char *west = ec2_image_catalogue_id("eu-west-1", name);
    assert_string_equal(east, AL2023);
    assert_true(ec2_id_ok(west, "ami-"));
    assert_string_not_equal(east, west);
    assert_null(ec2_image_catalogue_id("us-east-1", "al2023-ami-2099"));
    g_free(east);
    g_free(west);
}

static void filters_read_paths(void **st)
{
    (void)st;
    static const ec2_filter_path table[] = {
        {"device", "Mappings.DeviceName"}, {"dot", "Mappings.Ebs.DeleteOnTermination"},
        {"size", "Size"},                  {"at", "Created@time"},
        {"gone", NULL},                    {NULL, NULL},
    };
    json_t *item = json_pack("{s:[{s:s, s:{s:b}}, {s:s, s:{s:b}}], s:i, s:i, s:[{s:s, s:s}]}", "Mappings",
                             "DeviceName", "/dev/xvda", "Ebs", "DeleteOnTermination", 1, "DeviceName", "/dev/sdf",
                             "Ebs", "DeleteOnTermination", 0, "Size", 8, "Created", 1733949430, "Tags", "Key",
                             "team", "Value", "red");
    static const struct {
        const char *json;
        bool match;
    } cases[] = {
        {"[{\"Name\": \"device\", \"Values\": [\"/dev/sdf\"]}]", true},  /* any element of an array */
        {"[{\"Name\": \"device\", \"Values\": [\"/dev/sd?\"]}]", true},
        {"[{\"Name\": \"device\", \"Values\": [\"/dev/sdg\"]}]", false},
        {"[{\"Name\": \"dot\", \"Values\": [\"false\"]}]", true},         /* booleans as EC2 writes them */
        {"[{\"Name\": \"size\", \"Values\": [\"8\"]}]", true},            /* numbers as decimal */
        {"[{\"Name\": \"at\", \"Values\": [\"2024-12-11T20:37:10.000Z\"]}]", true},
        {"[{\"Name\": \"gone\", \"Values\": [\"*\"]}]", false},           /* what is not kept matches nothing */
        {"[{\"Name\": \"tag:team\", \"Values\": [\"red\"]}]", true},
        {"[{\"Name\": \"tag-key\", \"Values\": [\"team\"]}, {\"Name\": \"size\", \"Values\": [\"9\"]}]", false},
    };
    const char *known[] = {"device", "dot", "size", "at", "gone", "tag:", "tag-key", NULL};
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        json_t *f = json_loads(cases[i].json, 0, NULL);
        aws_error err = {0};
        GPtrArray *filters = ec2_filters_parse(f, known, &err);
        assert_non_null(filters);
        if (ec2_filters_match(filters, table, item) != cases[i].match)
            fail_msg("case %zu: %s", i, cases[i].json);
        ec2_filters_free(filters);
        json_decref(f);
    }
    json_decref(item);
}

static void block_devices_merge_and_refuse(void **st)
{
    server *s = *st;
    /* the image's root, resized, and a new device */
    result r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1&InstanceType=t3.micro"
                      "&BlockDeviceMapping.1.DeviceName=/dev/xvda&BlockDeviceMapping.1.Ebs.VolumeSize=30"
                      "&BlockDeviceMapping.2.DeviceName=/dev/sdf&BlockDeviceMapping.2.Ebs.VolumeSize=5"
                      "&BlockDeviceMapping.2.Ebs.VolumeType=st1");
    assert_error(r, "InvalidParameterValue", "The volume size is invalid for st1 volumes: 5 GiB.");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1&InstanceType=t3.micro"
               "&BlockDeviceMapping.1.DeviceName=/dev/xvda&BlockDeviceMapping.1.Ebs.VolumeSize=30"
               "&BlockDeviceMapping.2.DeviceName=/dev/sdf&BlockDeviceMapping.2.Ebs.VolumeSize=500"
               "&BlockDeviceMapping.2.Ebs.VolumeType=st1&BlockDeviceMapping.3.DeviceName=/dev/sdb"
               "&BlockDeviceMapping.3.VirtualName=ephemeral0");
    assert_ok_with(r, "<deviceName>/dev/sdf</deviceName>");
    assert_int_equal(count_of(r.body, "<deviceName>"), 2); /* no volume for an instance store */
    rfree(&r);
    r = ec2(s, "Action=DescribeVolumes&Filter.1.Name=size&Filter.1.Value.1=30&Filter.1.Value.2=500");
    assert_int_equal(count_of(r.body, "<volumeType>"), 2);
    assert_non_null(strstr(r.body, "<volumeType>gp3</volumeType>"));
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1"
               "&BlockDeviceMapping.1.DeviceName=/dev/sdf");
    assert_error(r, "MissingParameter", NULL);
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1"
               "&BlockDeviceMapping.1.DeviceName=/dev/sdf&BlockDeviceMapping.1.Ebs.DeleteOnTermination=true");
    assert_error(r, "MissingParameter", "size or snapshotId");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1"
               "&BlockDeviceMapping.1.DeviceName=/dev/sdf&BlockDeviceMapping.1.Ebs.SnapshotId=snap-0123456789abcdef0");
    assert_error(r, "InvalidSnapshot.NotFound", NULL);
    rfree(&r);
    r = ec2(s, "Action=RunInstances&ImageId=" AL2023 "&MinCount=1&MaxCount=1"
               "&BlockDeviceMapping.1.DeviceName=/dev/xvda&BlockDeviceMapping.1.Ebs.VolumeType=gp3"
               "&BlockDeviceMapping.1.Ebs.Iops=20000");
    assert_error(r, "InvalidParameterValue", "Volume iops of 20000 is too high; maximum is 16000.");
    rfree(&r);
    /* refused launches launched nothing */
    r = ec2(s, "Action=DescribeInstances");
    assert_int_equal(count_of(r.body, "<instanceId>"), 1);
    rfree(&r);
}

static void template_data_under_the_request(void **st)
{
    server *s = *st;
    result r = ec2(s, "Action=CreateLaunchTemplate&LaunchTemplateName=base&LaunchTemplateData.ImageId=" AL2023
                      "&LaunchTemplateData.InstanceType=t3.nano&LaunchTemplateData.EbsOptimized=true"
                      "&LaunchTemplateData.TagSpecification.1.ResourceType=instance"
                      "&LaunchTemplateData.TagSpecification.1.Tag.1.Key=a&LaunchTemplateData.TagSpecification.1.Tag.1.Value=1");
    assert_ok_with(r, "<launchTemplateId>lt-");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&MinCount=1&MaxCount=1&InstanceType=t3.large&LaunchTemplate.LaunchTemplateName=base"
               "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=b&TagSpecification.1.Tag.1.Value=2");
    assert_ok_with(r, "<instanceType>t3.large</instanceType>");
    assert_non_null(strstr(r.body, "<imageId>" AL2023 "</imageId>"));
    assert_non_null(strstr(r.body, "<ebsOptimized>true</ebsOptimized>"));
    /* the template's tags and the request's add up */
    assert_non_null(strstr(r.body, "<key>a</key>"));
    assert_non_null(strstr(r.body, "<key>b</key>"));
    assert_non_null(strstr(r.body, "<key>aws:ec2launchtemplate:version</key>"));
    rfree(&r);
    r = ec2(s, "Action=RunInstances&MinCount=1&MaxCount=1&LaunchTemplate.LaunchTemplateId=lt-0123456789abcdef0");
    assert_error(r, "InvalidLaunchTemplateId.NotFound",
                 "The specified launch template, with template ID lt-0123456789abcdef0, does not exist.");
    rfree(&r);
    r = ec2(s, "Action=RunInstances&MinCount=1&MaxCount=1&LaunchTemplate.LaunchTemplateId=lt-nope");
    assert_error(r, "InvalidLaunchTemplateId.Malformed", NULL);
    rfree(&r);
}

static void fixtures_keep_volumes_images_templates(void **st)
{
    server *s = *st;
    char err[512];
    /* an instance from before volumes were kept: the root volume it implied */
    assert_int_equal(mockaws_load_fixtures_json(
                         s, "{\"ec2\": {\"instances\": [{\"id\": \"i-0123456789abcdef0\", \"image\": \"ami-00000001\"}]}}",
                         err, sizeof err),
                     0);
    result r = ec2(s, "Action=DescribeInstances");
    assert_ok_with(r, "<imageId>ami-00000001</imageId>"); /* unknown, kept */
    char *vol = strstr(r.body, "<volumeId>");
    assert_non_null(vol);
    char *vid = g_strndup(vol + 10, 21);
    rfree(&r);
    char material[64], hex[18];
    ec2_derive_hex(hex, 17, "vol/i-0123456789abcdef0");
    g_snprintf(material, sizeof material, "vol-%s", hex);
    assert_string_equal(vid, material);
    g_free(vid);
    r = ec2(s, "Action=CreateVolume&AvailabilityZone=us-east-1a&Size=2&VolumeType=gp3");
    assert_ok_with(r, NULL);
    rfree(&r);
    r = ec2(s, "Action=CreateLaunchTemplate&LaunchTemplateName=kept&LaunchTemplateData.InstanceType=t3.nano");
    assert_ok_with(r, NULL);
    rfree(&r);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"volumes\""));
    assert_non_null(strstr(dump, "\"launch_templates\""));
    mockaws_reset(s);
    assert_int_equal(mockaws_load_fixtures_json(s, dump, err, sizeof err), 0);
    mockaws_free(dump);
    r = ec2(s, "Action=DescribeVolumes");
    assert_int_equal(count_of(r.body, "<volumeType>"), 2); /* not a second root volume */
    rfree(&r);
    r = ec2(s, "Action=DescribeLaunchTemplates");
    assert_ok_with(r, "<launchTemplateName>kept</launchTemplateName>");
    rfree(&r);
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"ec2\": {\"volumes\": [{\"id\": \"vol-1\"}]}}", err, sizeof err), 0);
    assert_int_not_equal(
        mockaws_load_fixtures_json(s, "{\"ec2\": {\"launch_templates\": [{\"id\": \"lt-0123456789abcdef0\"}]}}", err,
                                   sizeof err),
        0);
}

static void hostile_inputs_are_refused(void **st)
{
    server *s = *st;
    const char *bad[] = {
        "Action=DescribeImages&ImageId.1=ami-",
        "Action=DescribeImages&Owner.1=someone",
        "Action=DescribeInstanceTypes&MaxResults=1000",
        "Action=CreateVolume&AvailabilityZone=mars-1a&Size=1",
        "Action=CreateVolume&AvailabilityZone=us-east-1a&Size=99999999",
        "Action=AttachVolume&VolumeId=vol-0123456789abcdef0&InstanceId=i-0123456789abcdef0&Device=/dev/sdf",
        "Action=DescribeVolumes&NextToken=garbage",
        "Action=DescribeLaunchTemplateVersions&LaunchTemplateName=x-y-z",
        "Action=DescribeInstanceAttribute&InstanceId=i-0123456789abcdef0&Attribute=userData",
        "Action=ModifyInstanceAttribute&InstanceId=i-0123456789abcdef0",
        "Action=DescribeInstances&Filter.1.Name=network-interface.nope&Filter.1.Value.1=x",
        "Action=DeleteLaunchTemplate",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        result r = ec2(s, "%s", bad[i]);
        if (r.status != 400)
            fail_msg("%s: %d %s", bad[i], r.status, r.body);
        rfree(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalogue_ids_are_per_region),
        cmocka_unit_test(filters_read_paths),
        cmocka_unit_test_setup_teardown(block_devices_merge_and_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(template_data_under_the_request, setup, teardown),
        cmocka_unit_test_setup_teardown(fixtures_keep_volumes_images_templates, setup, teardown),
        cmocka_unit_test_setup_teardown(hostile_inputs_are_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
