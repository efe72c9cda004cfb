# Published parameter counts (torchvision's model zoo, the papers).
cli_test(info.alexnet_params ARGS info alexnet --format json PASS "\"params\": 61100840,")
cli_test(info.alexnet2012_params ARGS info alexnet-2012 --format json PASS "\"params\": 60965224,")
cli_test(info.vgg16_params ARGS info vgg16 --format json PASS "\"params\": 138357544,")
cli_test(info.resnet50_params ARGS info resnet50 --format json PASS "\"params\": 25557032,")
cli_test(info.resnet18_params ARGS info resnet18 --format json PASS "\"params\": 11689512,")
# 2*1024 + 3,148,800 + 1,049,600 + 2*1024 + 4,198,400 + 4,195,328
cli_test(info.transformer_params ARGS info transformer-block --format json PASS "\"params\": 12596224,")
cli_test(info.mlp_params ARGS info mlp --format csv PASS "fc4,linear,1000,2049000,4096000")
# conv1 of AlexNet: 64 x 55 x 55 output, 64*3*11*11+64 = 23,296 params,
# 2*64*55*55*3*11*11 = 140,553,600 FLOPs per sample.
cli_test(info.alexnet_conv1_csv ARGS info alexnet --format csv PASS "conv1,conv2d,64x55x55,23296,140553600")
cli_test(info.table ARGS info alexnet PASS "total: 61100840 parameters")
